/*
 * The worker park/notify protocol: WORKERS workers that look for tasks,
 * search, park and are woken, and one producer that queues TASKS tasks and
 * notifies after each.
 *
 * Every step below is one atomic block. Each process keeps its program
 * counter in a byte and takes one guarded step per turn, so the interleaving
 * is exactly that of the steps named in the comments.
 *
 *   spin -a [-DBUG_CHECK_BEFORE_ANNOUNCE] [-DWORKERS=3] [-DTASKS=1] park.pml
 *   cc -O2 -DSAFETY -o pan pan.c && ./pan -m100000
 *
 * BUG_CHECK_BEFORE_ANNOUNCE: the last searcher checks the queue before it
 * announces that it parks and never after, so a task pushed in between (whose
 * producer saw a searcher and woke nobody) is left in the queue with every
 * worker asleep.
 */

#ifndef WORKERS
#define WORKERS 2
#endif
#ifndef TASKS
#define TASKS 2
#endif

/* worker steps */
#define LOOK       1
#define FOUND      2
#define RUN        3
#define TRY_SEARCH 4
#define SEARCH     5
#define PARK       6
#define RECHECK    7
#define SLEEP      8
#define PARK_CHECK 9   /* BUG variant */
/* producer step */
#define P1        10
/* notify protocol, shared */
#define N1        11
#define N2        12

byte searching = 0;          /* workers counted as searching */
byte unparked = WORKERS;     /* workers not parked */
byte sleepers[WORKERS];      /* stack of parked worker indices */
byte nsleep = 0;             /* its length */
bool woken[WORKERS];         /* popped off the stack by N2, not yet up */
byte queue = 0;              /* tasks in the shared queue */
byte produced = 0;
byte ran = 0;

byte ppc = P1;               /* the producer's program counter */
byte asleep = 0;             /* workers at SLEEP */

/* The notify protocol, as two steps of a process whose program counter is
 * `pc`; it continues at `ret` afterwards. */
#define NOTIFY_STEPS(pc, ret) \
  :: atomic { pc == N1 -> \
       if \
       :: searching == 0 && unparked < WORKERS -> pc = N2 \
       :: else -> pc = ret \
       fi } \
  :: atomic { pc == N2 -> \
       if \
       :: searching == 0 && unparked < WORKERS -> \
          assert(nsleep > 0); \
          unparked++; \
          searching++; \
          nsleep--; \
          woken[sleepers[nsleep]] = 1; \
          sleepers[nsleep] = 0 \
       :: else -> skip \
       fi; \
       pc = ret }

/* The announcement shared by PARK and PARK_ANNOUNCE: leaves `last` set if
 * this was the last searcher. */
inline announce_park() {
  unparked--;
  last = (srch && searching == 1);
  if
  :: srch -> searching--
  :: else -> skip
  fi;
  srch = 0;
  sleepers[nsleep] = me;
  nsleep++
}

active [WORKERS] proctype worker()
{
  byte me = _pid;            /* workers are the first processes: 0..WORKERS-1 */
  byte pc = LOOK;
  byte ret = 0;
  bool srch = 0;
  bool last = 0;

end_worker:
  do
  :: atomic { pc == LOOK ->
       if
       :: queue > 0 -> queue--; pc = FOUND
       :: else -> pc = TRY_SEARCH
       fi }
  :: atomic { pc == FOUND ->
       if
       :: srch ->
          srch = 0;
          searching--;
          if
          :: searching == 0 -> ret = RUN; pc = N1   /* was the last searcher */
          :: else -> pc = RUN
          fi
       :: else -> pc = RUN
       fi }
  :: atomic { pc == RUN -> ran++; pc = LOOK }
  :: atomic { pc == TRY_SEARCH ->
       if
       :: srch -> pc = SEARCH
       :: !srch && 2 * searching < WORKERS -> searching++; srch = 1; pc = SEARCH
       :: else ->
#ifdef BUG_CHECK_BEFORE_ANNOUNCE
          pc = PARK_CHECK
#else
          pc = PARK
#endif
       fi }
  :: atomic { pc == SEARCH ->
       if
       :: queue > 0 -> queue--; pc = FOUND
       :: else ->
#ifdef BUG_CHECK_BEFORE_ANNOUNCE
          pc = PARK_CHECK
#else
          pc = PARK
#endif
       fi }
#ifndef BUG_CHECK_BEFORE_ANNOUNCE
  :: atomic { pc == PARK ->
       announce_park();
       if
       :: last -> last = 0; pc = RECHECK
       :: else -> asleep++; pc = SLEEP
       fi }
  :: atomic { pc == RECHECK ->
       if
       :: queue > 0 -> ret = SLEEP; pc = N1
       :: else -> asleep++; pc = SLEEP
       fi }
#else
  :: atomic { pc == PARK_CHECK ->
       if
       :: srch && searching == 1 && queue > 0 -> pc = LOOK
       :: else -> pc = PARK   /* PARK_ANNOUNCE */
       fi }
  :: atomic { pc == PARK ->   /* PARK_ANNOUNCE: no recheck afterwards */
       announce_park();
       last = 0;
       asleep++;
       pc = SLEEP }
#endif
  :: atomic { pc == SLEEP && woken[me] ->
       woken[me] = 0;
       asleep--;
       srch = 1;                /* N2 counted us as searching */
       pc = LOOK }
  NOTIFY_STEPS(pc, ret)
  od
}

active proctype producer()
{
end_producer:
  do
  :: atomic { ppc == P1 && produced < TASKS -> queue++; produced++; ppc = N1 }
  NOTIFY_STEPS(ppc, P1)
  od
}

/* Invariants, checked in every reachable state. The guards are false in
 * every good state, so the monitor never moves unless one fails. */
active proctype monitor()
{
end_monitor:
  do
  :: atomic { !(searching <= unparked) -> assert(searching <= unparked) }
  :: atomic { (ppc == P1 && produced == TASKS &&
               asleep == WORKERS && nsleep == WORKERS && queue > 0) ->
       assert(queue == 0)   /* a task stranded with every worker asleep */
     }
  od
}
