/*
 * The task state word: RUNNING, COMPLETE, NOTIFIED, CANCELLED and
 * JOIN_INTEREST plus the reference count, driven by WORKERS workers (default
 * 2), WAKERS wakers (default 2) and one join handle.
 *
 * Every step below is one atomic block: one read-modify-write of the word,
 * as in runtime/task/state.hpp. Between two blocks any other process may run.
 *
 *   spin -a [-DBUG_LOST_NOTIFIED] [-DWAKERS=3] [-DWORKERS=3] task_state.pml
 *   cc -O2 -DSAFETY -o pan pan.c && ./pan -m100000
 *
 * BUG_LOST_NOTIFIED: a wake that arrives while the task is being polled does
 * not set NOTIFIED, so the poller lets the task go idle and nobody queues it
 * again: its references stay above zero forever.
 */

#ifndef WAKERS
#define WAKERS 2
#endif
#ifndef WORKERS
#define WORKERS 2
#endif

bool running = 0;
bool complete = 0;
bool notified = 1;      /* the initial queue entry */
bool cancelled = 0;
bool join_interest = 1;
/* owned-task list + initial queue entry + join handle + one per waker */
byte refs = 3 + WAKERS;
byte queue = 1;         /* run-queue entries; each holds one reference */
byte signalled = 0;     /* wakers whose event has happened */
byte freed = 0;         /* how many times the count reached zero */

byte polling = 0;       /* workers in W2..W4: at most one */
byte busy = 0;          /* workers in W2..W5 or W3R: holding a reference */
byte finished = 0;      /* wakers and join handle that are done */

inline drop_ref() {
  assert(refs > 0);
  refs--;
  if
  :: refs == 0 -> freed++
  :: else -> skip
  fi;
  assert(freed <= 1)
}

/* Ask the queue to run the task: NOTIFIED set, one new reference. */
inline submit() {
  notified = 1;
  refs++;
  queue++
}

active [WORKERS] proctype worker()
{
end_w1:
  /* W1: take an entry from the queue (transition_to_running) */
  atomic {
    queue > 0 ->
    assert(freed == 0);
    queue--;
    if
    :: running || complete ->
       drop_ref();          /* stale entry */
       goto end_w1
    :: else ->
       running = 1;
       notified = 0;
       polling++;
       busy++;
       assert(polling <= 1)
    fi
  }
w2:
  /* W2: poll the task */
  atomic {
    assert(freed == 0);
    assert(!complete);
    if
    :: cancelled -> goto w4
    :: !cancelled && signalled == WAKERS -> goto w4
    :: else -> skip
    fi
  }
w3:
  /* W3: transition_to_idle */
  atomic {
    assert(freed == 0);
    if
    :: cancelled -> goto w4
    :: !cancelled && notified ->
       /* requeue, with a reference for the new entry; the poller keeps its own */
       running = 0;
       refs++;
       queue++;
       polling--;
       goto w3r
    :: else ->
       running = 0;
       drop_ref();          /* the poll consumed the entry's reference */
       polling--;
       busy--;
       goto end_w1
    fi
  }
w3r:
  /* W3R: after the requeue, drop the poller's reference */
  atomic {
    assert(freed == 0);
    drop_ref();
    busy--;
    goto end_w1
  }
w4:
  /* W4: transition_to_complete */
  atomic {
    assert(freed == 0);
    assert(running && !complete);
    running = 0;
    complete = 1;
    polling--
  }
w5:
  /* W5: leave the owned list and drop the poller's reference */
  atomic {
    assert(freed == 0);
    drop_ref();
    drop_ref();
    busy--;
    goto end_w1
  }
}

/* Waker i (0-based) wakes by value when i is even, by reference when odd. */
active [WAKERS] proctype waker()
{
  byte i = _pid - WORKERS;
  /* K1: the event the task waits for happens */
  atomic { signalled++ }
  /* K2: wake */
  atomic {
    assert(freed == 0);
    if
    :: i % 2 == 0 ->
       if
       :: running ->
#ifndef BUG_LOST_NOTIFIED
          notified = 1;
#endif
          drop_ref();
          finished++;
          goto done
       :: !running && (complete || notified) ->
          drop_ref();
          finished++;
          goto done
       :: else ->
          submit()
       fi
    :: else ->
       if
       :: complete || notified -> skip
       :: !(complete || notified) && running ->
#ifndef BUG_LOST_NOTIFIED
          notified = 1
#else
          skip
#endif
       :: else -> submit()
       fi
    fi
  }
  /* K3: drop the waker's reference */
  atomic {
    assert(freed == 0);
    drop_ref();
    finished++
  }
done:
  skip
}

active proctype join_handle()
{
  /* J1: drop the handle, or abort the task first */
  if
  :: skip
  :: /* J2: transition_to_notified_and_cancel */
     atomic {
       assert(freed == 0);
       if
       :: cancelled || complete -> skip
       :: else ->
          cancelled = 1;
          if
          :: running -> notified = 1
          :: !running && notified -> skip
          :: else -> submit()
          fi
       fi
     }
  fi;
  /* J3: drop the handle */
  atomic {
    assert(freed == 0);
    if
    :: complete -> drop_ref()   /* the handle drops the output */
    :: else -> join_interest = 0; drop_ref()
    fi;
    finished++
  }
}

/* Everyone is done, nothing is queued and no worker holds the task: it must
 * have been freed. The guard is false in every good state, so the monitor
 * never moves unless the property fails. */
active proctype monitor()
{
end_monitor:
  atomic {
    (finished == WAKERS + 1 && queue == 0 && busy == 0 && freed != 1) ->
    assert(freed == 1)
  }
}
