#include "sim/net/network.hpp"

#include <algorithm>
#include <stdexcept>

#include "runtime/sys/assert.hpp"
#include "runtime/io/core_reactor.hpp"
#include "sim/net/kernel.hpp"

namespace weft::sim {

network::network(executor& ex, network_config config) : ex_(ex), config_(config) {}

network::~network() = default;

host_id network::add_host(std::string name) {
  for (const auto& h : hosts_) {
    if (h->name == name) throw std::invalid_argument("weft: two hosts named '" + name + "'");
  }
  auto h = std::make_unique<host_state>();
  h->id = static_cast<host_id>(hosts_.size() + 1);
  h->name = std::move(name);
  h->ip = net::ip_addr::v4(10, 0, static_cast<std::uint8_t>(h->id / 250),
                           static_cast<std::uint8_t>(h->id % 250 + 1));
  hosts_.push_back(std::move(h));
  return hosts_.back()->id;
}

network::host_state& network::host(host_id h) {
  WEFT_ASSERT(h >= 1 && h <= hosts_.size(), "no such simulated host");
  return *hosts_[h - 1];
}

const std::string& network::host_name(host_id h) const { return hosts_.at(h - 1)->name; }
net::ip_addr network::host_ip(host_id h) const { return hosts_.at(h - 1)->ip; }
bool network::is_up(host_id h) const { return hosts_.at(h - 1)->up; }

std::optional<host_id> network::host_by_ip(const net::ip_addr& ip) const {
  for (const auto& h : hosts_) {
    if (h->ip == ip) return h->id;
  }
  return std::nullopt;
}

std::optional<host_id> network::host_by_name(const std::string& name) const {
  for (const auto& h : hosts_) {
    if (h->name == name) return h->id;
  }
  return std::nullopt;
}

host_id network::current_host() const {
  const thread_id t = ex_.current_thread();
  return t == no_thread ? 0 : static_cast<host_id>(ex_.group_of(t));
}

std::optional<host_id> network::route(host_id from, const net::ip_addr& ip) const {
  if (ip.is_loopback()) return from;
  return host_by_ip(ip);
}

namespace {

bool in_use(const network::port_table& ports, std::uint16_t p) {
  auto it = ports.find(p);
  if (it == ports.end()) return false;
  const std::shared_ptr<ksocket> s = it->second.lock();
  return s != nullptr && !s->closed;
}

}  // namespace

std::uint16_t network::ephemeral_port(host_id h) {
  host_state& hs = host(h);
  for (int tries = 0; tries < 25000; ++tries) {
    const std::uint16_t p = hs.next_port;
    hs.next_port = hs.next_port == 65000 ? 40000 : static_cast<std::uint16_t>(hs.next_port + 1);
    const bool busy = in_use(hs.stream_ports, p) || in_use(hs.datagram_ports, p);
    if (!busy) return p;
  }
  return 0;
}

network::link_state& network::link(host_id from, host_id to) {
  auto [it, inserted] = links_.try_emplace({from, to});
  if (inserted) it->second.config = config_.default_link;
  return it->second;
}

const network::link_state* network::find_link(host_id from, host_id to) const {
  auto it = links_.find({from, to});
  return it == links_.end() ? nullptr : &it->second;
}

void network::set_link(host_id from, host_id to, link_config c) {
  link(from, to).config = c;
  emit(trace::kind::net_link, from, to, c.latency_max.count());
}

const link_config& network::link_settings(host_id from, host_id to) { return link(from, to).config; }

void network::partition(host_id from, host_id to) {
  link(from, to).partitioned = true;
  emit(trace::kind::partition, from, from, to);
}

void network::partition_both(host_id a, host_id b) {
  partition(a, b);
  partition(b, a);
}

void network::isolate(host_id h) {
  for (host_id o = 1; o <= host_count(); ++o) {
    if (o == h) continue;
    link(h, o).partitioned = true;
    link(o, h).partitioned = true;
  }
  emit(trace::kind::partition, h, h, -1);
}

void network::heal(host_id from, host_id to) {
  link_state& l = link(from, to);
  if (!l.partitioned) return;
  l.partitioned = false;
  emit(trace::kind::heal, from, from, to);
  flush(from, to);
}

void network::heal_both(host_id a, host_id b) {
  heal(a, b);
  heal(b, a);
}

void network::heal_all() {
  std::vector<std::pair<host_id, host_id>> cut;
  for (const auto& [key, l] : links_) {
    if (l.partitioned) cut.push_back(key);
  }
  for (const auto& [from, to] : cut) heal(from, to);
}

bool network::is_partitioned(host_id from, host_id to) const {
  const link_state* l = find_link(from, to);
  return l != nullptr && l->partitioned;
}

void network::hold(host_id from, host_id to) { link(from, to).held = true; }

void network::release(host_id from, host_id to) {
  link(from, to).held = false;
  flush(from, to);
}

void network::flush(host_id from, host_id to) {
  link_state& l = link(from, to);
  if (l.partitioned || l.held) return;
  std::vector<std::function<void()>> waiting;
  waiting.swap(l.waiting);
  for (auto& resend : waiting) resend();  // in the order they were sent
}

std::int64_t network::draw_latency_ns(const link_config& c) {
  const std::int64_t lo = c.latency_min.count();
  const std::int64_t hi = std::max(c.latency_max.count(), lo);
  const std::int64_t us = lo + static_cast<std::int64_t>(
                                   ex_.choose(static_cast<std::uint64_t>(hi - lo + 1), choice_kind::latency));
  return us * 1000;
}

void network::send(host_id from, host_id to, bool datagram, std::size_t bytes, arrival deliver,
                   std::shared_ptr<ksocket> ordered_by) {
  const std::uint64_t id = next_message_++;
  emit(trace::kind::net_send, from, static_cast<std::int64_t>(id), to);
  if (!host(from).up) {
    ++dropped_;  // a crashed host's leftover tasks talk into the void
    emit(trace::kind::net_drop, from, static_cast<std::int64_t>(id),
         static_cast<std::int64_t>(trace::drop_reason::crash));
    return;
  }
  link_state& l = link(from, to);
  if (l.partitioned && datagram) {
    ++dropped_;
    emit(trace::kind::net_drop, from, static_cast<std::int64_t>(id),
         static_cast<std::int64_t>(trace::drop_reason::partition));
    return;
  }
  const std::uint64_t from_incarnation = host(from).incarnation;
  const std::uint64_t to_incarnation = host(to).incarnation;
  auto launch = [this, from, to, id, bytes, from_incarnation, to_incarnation,
                 ordered_by = std::move(ordered_by), deliver = std::move(deliver)]() mutable {
    std::int64_t when = ex_.global_now_ns() + draw_latency_ns(link(from, to).config);
    if (ordered_by) {
      when = std::max(when, ordered_by->last_arrival_ns);
      ordered_by->last_arrival_ns = when;
    }
    ex_.at(when, [this, from, to, id, bytes, from_incarnation, to_incarnation,
                  deliver = std::move(deliver)] {
      if (host(from).incarnation != from_incarnation || host(to).incarnation != to_incarnation ||
          !host(to).up) {
        ++dropped_;
        emit(trace::kind::net_drop, to, static_cast<std::int64_t>(id),
             static_cast<std::int64_t>(trace::drop_reason::crash));
        return;
      }
      emit(trace::kind::net_deliver, to, static_cast<std::int64_t>(id), static_cast<std::int64_t>(bytes));
      receive(to, std::move(deliver));
    });
  };
  if (l.partitioned || l.held) {
    l.waiting.push_back(std::move(launch));  // streams wait out the fault
    return;
  }
  launch();
}

void network::signal(host_id from, host_id to, arrival fn) {
  ex_.at(ex_.global_now_ns() + draw_latency_ns(link(from, to).config),
         [this, to, fn = std::move(fn)]() mutable { receive(to, std::move(fn)); });
}

void network::receive(host_id h, arrival effect) {
  host_state& hs = host(h);
  if (hs.nic_owner == nullptr) {
    effect();  // no runtime polls this host: the kernel takes it at once
    return;
  }
  hs.nic.push_back(std::move(effect));
  hs.nic_owner->packet_arrived();
}

void network::emit(trace::kind what, host_id h, std::int64_t a, std::int64_t b) {
  if (trace_ == nullptr) return;
  trace::event e;
  e.time_ns = ex_.global_now_ns();
  e.host = h;
  const thread_id t = ex_.current_thread();
  e.thread = t == no_thread ? -1 : static_cast<std::int32_t>(t);
  e.what = what;
  e.a = a;
  e.b = b;
  trace_->record(e);
}

void network::crash(host_id h) {
  host_state& hs = host(h);
  if (!hs.up) return;
  hs.up = false;
  ++hs.incarnation;  // whatever is in flight to or from h is now lost
  emit(trace::kind::crash, h);
  kernel::crash(*this, h);
}

void network::restart(host_id h) {
  host_state& hs = host(h);
  hs.up = true;
  hs.next_port = 40000;
  emit(trace::kind::restart, h);
}

std::unique_ptr<rt::io::reactor> network::make_reactor(host_id h) {
  return std::make_unique<rt::io::core_reactor>(make_sim_door(*this, h));
}

}  // namespace weft::sim
