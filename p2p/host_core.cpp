#include "p2p/host_core.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "common/hex.h"
#include "common/host_port.h"

namespace swarmchain::p2p {

namespace {

uint64_t manager_interval(const HostConfig& c) {
  return std::clamp<uint64_t>(c.reconnect_min_ms / 2, 20, 1000);
}

}  // namespace

HostCore::HostCore(HostConfig config, const KeyPair& node_key, HostHandler& handler,
                   std::function<bool(ByteView)> is_gossip)
    : cfg_(std::move(config)),
      key_(node_key),
      handler_(handler),
      is_gossip_(std::move(is_gossip)),
      acceptor_strand_(net::make_strand(ioc_)),
      acceptor_(acceptor_strand_),
      manager_strand_(net::make_strand(ioc_)),
      manager_timer_(manager_strand_),
      rng_(std::random_device{}()),
      seen_(std::max<uint64_t>(cfg_.gossip_dedup_window_ms, 1), kSeenCapacity) {}

HostCore::~HostCore() { stop(); }

Status HostCore::start() {
  if (!crypto_init()) return Status::error("p2p: libsodium failed to start");
  {
    std::lock_guard lk(mu_);
    if (started_) return Status::error("p2p: the host was started already");
    started_ = true;
  }
  if (!cfg_.bind_host.empty()) {
    boost::system::error_code ec;
    const std::string where = cfg_.bind_host + ":" + std::to_string(cfg_.port);
    tcp::resolver resolver(ioc_);
    auto results = resolver.resolve(cfg_.bind_host, std::to_string(cfg_.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || results.empty())
      return Status::error("p2p: cannot resolve the listen address " + where + ": " + ec.message());
    const tcp::endpoint ep = *results.begin();
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return Status::error("p2p: cannot listen on " + where + ": " + ec.message());
    port_ = acceptor_.local_endpoint().port();
    // The node logs "p2p listening on host:port" with what it knows more (no --peer given).
    spdlog::debug("p2p: listening on {}", format_host_port(cfg_.bind_host, port_.load()));
  }
  {
    std::lock_guard lk(mu_);
    if (!cfg_.address_book.empty() && std::filesystem::exists(cfg_.address_book)) {
      auto book = AddressBook::load(cfg_.address_book);
      if (book) {
        book_ = std::move(*book);
        spdlog::info("p2p: {} addresses from {}", book_.size(), cfg_.address_book.string());
      } else {
        spdlog::warn("p2p: ignoring the address book {}: {}", cfg_.address_book.string(),
                     book.error().message());
      }
    }
    for (const auto& s : cfg_.seeds) targets_[s].persistent = true;
  }
  work_.emplace(ioc_.get_executor());
  if (acceptor_.is_open()) net::post(acceptor_strand_, [this] { do_accept(); });
  arm_manager(0);
  const std::size_t n = std::max<std::size_t>(cfg_.threads, 1);
  {
    std::lock_guard lk(mu_);
    running_threads_ = n;
  }
  for (std::size_t i = 0; i < n; ++i)
    threads_.emplace_back([this] {
      ioc_.run();
      std::lock_guard lk(mu_);
      --running_threads_;
      threads_cv_.notify_all();
    });
  return Status::ok();
}

void HostCore::stop() {
  std::vector<std::shared_ptr<Connection>> conns;
  std::vector<std::weak_ptr<Probe>> probes;
  {
    std::lock_guard lk(mu_);
    if (stopped_) return;
    stopped_ = true;
    stopping_ = true;
    for (auto& [id, slot] : slots_) conns.push_back(slot.conn);
    probes.swap(probes_);
    save_book_locked();
  }
  net::post(acceptor_strand_, [this] {
    boost::system::error_code ec;
    acceptor_.close(ec);
  });
  net::post(manager_strand_, [this] { manager_timer_.cancel(); });
  for (auto& c : conns) c->close("shutdown", false);
  conns.clear();
  for (auto& w : probes)
    if (auto p = w.lock()) p->cancel();  // its done() runs on our threads, with kCancelled
  probes.clear();
  work_.reset();
  {
    // Every handler ends once its socket or timer is closed; the guard is for a stuck resolver.
    std::unique_lock lk(mu_);
    if (!threads_cv_.wait_for(lk, std::chrono::seconds(5), [this] { return running_threads_ == 0; })) {
      spdlog::warn("p2p: threads still busy 5 s after stop; stopping the io_context");
      ioc_.stop();
    }
  }
  for (auto& t : threads_) t.join();
  threads_.clear();
  std::lock_guard lk(mu_);
  slots_.clear();
  active_by_key_.clear();
}

void HostCore::do_accept() {
  acceptor_.async_accept(net::make_strand(ioc_), [this](boost::system::error_code ec, tcp::socket s) {
    on_accept(ec, std::move(s));
  });
}

void HostCore::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (stopping_ || ec == net::error::operation_aborted) return;
  if (ec) {
    // Out of file descriptors and the like: try again shortly rather than spin.
    spdlog::warn("p2p: accept failed: {}", ec.message());
    auto timer = std::make_shared<net::steady_timer>(acceptor_strand_, std::chrono::milliseconds(100));
    timer->async_wait([this, timer](boost::system::error_code) {
      if (!stopping_) do_accept();
    });
    return;
  }
  std::shared_ptr<Connection> conn;
  {
    std::lock_guard lk(mu_);
    std::size_t handshaking = 0, active = 0;
    for (const auto& [id, s] : slots_)
      if (s.inbound) (s.active ? active : handshaking)++;
    if (handshaking >= cfg_.max_handshaking || active >= cfg_.max_inbound) {
      conn.reset();
    } else {
      const PeerId id = next_id_++;
      conn = std::make_shared<Connection>(*this, id, std::move(socket));
      slots_[id] = Slot{conn, true, false, "", {}};
    }
  }
  if (conn) {
    conn->start_inbound();
  } else {
    boost::system::error_code ignored;
    spdlog::debug("p2p: refusing an inbound connection: too many connections");
    socket.close(ignored);
    count_drop("too_many_connections");
  }
  do_accept();
}

void HostCore::arm_manager(uint64_t delay_ms) {
  net::post(manager_strand_, [this, delay_ms] {
    if (stopping_) return;
    manager_timer_.expires_after(std::chrono::milliseconds(delay_ms));
    manager_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec || stopping_) return;
      manage();
      arm_manager(manager_interval(cfg_));
    });
  });
}

std::shared_ptr<Connection> HostCore::dial_locked(const std::string& address, Target& t) {
  const PeerId id = next_id_++;
  auto conn = std::make_shared<Connection>(*this, id, net::make_strand(ioc_), address);
  slots_[id] = Slot{conn, false, false, address, {}};
  t.conn = id;
  return conn;
}

void HostCore::manage() {
  const uint64_t now = steady_ms();
  std::vector<std::shared_ptr<Connection>> dials, ask;
  {
    std::lock_guard lk(mu_);
    if (stopping_) return;
    std::erase_if(banned_keys_, [now](const auto& kv) { return kv.second <= now; });
    std::erase_if(banned_addresses_, [now](const auto& kv) { return kv.second <= now; });
    std::size_t outbound = 0;
    std::set<std::string> connected_listen;
    for (const auto& [id, s] : slots_) {
      if (!s.inbound) ++outbound;
      if (s.active && !s.info.listen_address.empty()) connected_listen.insert(s.info.listen_address);
    }
    auto satisfied = [&](const std::string& addr, const Target& t) {
      return connected_listen.count(addr) != 0 || (t.node_key && active_by_key_.count(*t.node_key));
    };
    auto dialable = [&](const std::string& addr, const Target& t) {
      return t.conn == 0 && !t.self && now >= t.next_ms && !banned_locked(nullptr, addr, now) &&
             !(t.node_key && banned_locked(&*t.node_key, addr, now)) && !satisfied(addr, t);
    };
    // Seeds and add_peer() addresses: always kept connected.
    for (auto& [addr, t] : targets_)
      if (t.persistent && dialable(addr, t)) dials.push_back(dial_locked(addr, t));
    outbound += dials.size();
    // Learned addresses while below max_outbound (targets for them are created on demand).
    if (outbound < cfg_.max_outbound && book_.size() > 0) {
      std::vector<std::string> candidates = book_.all();
      std::shuffle(candidates.begin(), candidates.end(), rng_);
      for (const auto& addr : candidates) {
        if (outbound >= cfg_.max_outbound) break;
        Target& t = targets_[addr];
        if (!dialable(addr, t)) continue;
        dials.push_back(dial_locked(addr, t));
        ++outbound;
      }
    }
    // Forget learned targets that are neither in the book nor in use (bounds targets_).
    std::erase_if(targets_, [&](const auto& kv) {
      return !kv.second.persistent && kv.second.conn == 0 && !kv.second.self && !book_.contains(kv.first);
    });
    // Peer exchange: ask every 30 s, or every 2 s while short of outbound peers.
    if (now >= next_exchange_ms_) {
      const bool short_of_peers = outbound < cfg_.max_outbound;
      for (auto& [id, s] : slots_)
        if (s.active) ask.push_back(s.conn);
      next_exchange_ms_ = now + (short_of_peers ? 2'000 : 30'000);
    }
    if (book_dirty_ && now - book_saved_ms_ >= 5'000) save_book_locked();
  }
  for (auto& c : dials) {
    auto hp = parse_host_port(c->dial_address(), "peer");
    if (!hp) {
      c->close("bad_address", false);
      continue;
    }
    c->start_outbound(hp->host, std::to_string(hp->port));
  }
  for (auto& c : ask) c->ask_peers();
}

void HostCore::save_book_locked() {
  book_saved_ms_ = steady_ms();
  if (cfg_.address_book.empty() || !book_dirty_) return;
  Status s = book_.save(cfg_.address_book);
  if (!s) spdlog::warn("p2p: cannot save the address book: {}", s.message());
  else book_dirty_ = false;
}

bool HostCore::banned_locked(const PubKey* key, const std::string& address, uint64_t now) const {
  if (key) {
    auto it = banned_keys_.find(*key);
    if (it != banned_keys_.end() && it->second > now) return true;
  }
  if (!address.empty()) {
    auto it = banned_addresses_.find(address);
    if (it != banned_addresses_.end() && it->second > now) return true;
  }
  return false;
}

int HostCore::score_now_locked(const PubKey& key, uint64_t now) const {
  auto it = scores_.find(key);
  if (it == scores_.end()) return 0;
  const uint64_t forgotten =
      cfg_.score_decay_ms == 0 ? 0 : (now - std::min(now, it->second.at_ms)) / cfg_.score_decay_ms;
  return static_cast<int>(std::max<int64_t>(0, int64_t(it->second.points) - int64_t(forgotten)));
}

bool HostCore::add_score_locked(const PubKey& key, const std::string& listen_address, int points,
                                uint64_t now) {
  if (!scores_.count(key) && scores_.size() >= kMaxScores) scores_.erase(scores_.begin());
  const int score = score_now_locked(key, now) + points;
  scores_[key] = Score{score, now};
  for (auto& [id, s] : slots_)
    if (s.active && s.info.node_pubkey == key) s.info.ban_score = score;
  if (score < cfg_.ban_threshold) return false;
  scores_.erase(key);
  if (banned_keys_.size() >= kMaxBans) banned_keys_.erase(banned_keys_.begin());
  banned_keys_[key] = now + cfg_.ban_ms;
  if (!listen_address.empty()) {
    if (banned_addresses_.size() >= kMaxBans) banned_addresses_.erase(banned_addresses_.begin());
    banned_addresses_[listen_address] = now + cfg_.ban_ms;
  }
  return true;
}

void HostCore::penalize(PeerId peer, int points, const std::string& reason) {
  std::shared_ptr<Connection> to_close;
  std::string who;
  int score = 0;
  {
    std::lock_guard lk(mu_);
    auto it = slots_.find(peer);
    if (it == slots_.end() || !it->second.active || points <= 0) return;
    const PeerInfo& info = it->second.info;
    who = info.address;
    if (add_score_locked(info.node_pubkey, info.listen_address, points, steady_ms()))
      to_close = it->second.conn;
    score = it->second.info.ban_score;
  }
  if (to_close) {
    spdlog::warn("p2p: banning peer {} for {} ms: {} (+{})", who, cfg_.ban_ms, reason, points);
    to_close->close("banned", true);
  } else {
    spdlog::info("p2p: peer {} penalized +{} (score {}): {}", who, points, score, reason);
  }
}

void HostCore::fault(const PubKey& node_key, const std::string& listen_address, int points) {
  std::lock_guard lk(mu_);
  if (add_score_locked(node_key, listen_address, points, steady_ms()))
    spdlog::warn("p2p: banning node {} for {} ms after transport faults", to_hex(node_key), cfg_.ban_ms);
}

std::string HostCore::activate(const std::shared_ptr<Connection>& conn, const PeerInfo& info) {
  std::shared_ptr<Connection> superseded;
  {
    std::lock_guard lk(mu_);
    if (stopping_) return "shutdown";
    auto it = slots_.find(conn->id());
    if (it == slots_.end()) return "shutdown";
    Slot& slot = it->second;
    Target* target = nullptr;
    if (!slot.target.empty()) {
      auto t = targets_.find(slot.target);
      if (t != targets_.end()) target = &t->second;
    }
    if (target) target->node_key = info.node_pubkey;
    if (info.node_pubkey == key_.pubkey()) {
      if (target) target->self = true;
      book_.remove(slot.target);
      return "self_connection";
    }
    if (banned_locked(&info.node_pubkey, info.listen_address, steady_ms())) return "banned";
    auto existing = active_by_key_.find(info.node_pubkey);
    if (existing != active_by_key_.end()) {
      // Two connections between the same nodes (both dialled at once): both sides keep the one
      // the smaller node key initiated, so they agree without talking.
      Slot& old = slots_.at(existing->second);
      const bool we_are_smaller = key_.pubkey() < info.node_pubkey;
      const bool keep_new = old.inbound != slot.inbound && (slot.inbound != we_are_smaller);
      if (!keep_new) return "duplicate_connection";
      superseded = old.conn;
      old.active = false;
    }
    if (slot.inbound) {
      std::size_t active_inbound = 0;
      for (const auto& [id, s] : slots_) active_inbound += s.inbound && s.active;
      if (active_inbound >= cfg_.max_inbound) return "too_many_connections";
    }
    slot.active = true;
    slot.info = info;
    slot.info.ban_score = score_now_locked(info.node_pubkey, steady_ms());
    active_by_key_[info.node_pubkey] = conn->id();
    if (target) {
      target->failures = 0;
      target->backoff_ms = 0;
    }
    if (!info.listen_address.empty() && book_.add(info.listen_address, rng_)) book_dirty_ = true;
  }
  if (superseded) superseded->close("duplicate_connection", false);
  handler_.on_connected(info);
  return "";
}

void HostCore::on_closed(const Connection& conn, const std::string& reason, bool was_active,
                         bool counted) {
  {
    std::lock_guard lk(mu_);
    auto it = slots_.find(conn.id());
    if (it != slots_.end()) {
      const Slot& s = it->second;
      auto k = active_by_key_.find(s.info.node_pubkey);
      if (s.active && k != active_by_key_.end() && k->second == conn.id()) active_by_key_.erase(k);
      auto t = targets_.find(s.target);
      if (!s.target.empty() && t != targets_.end() && t->second.conn == conn.id()) {
        Target& tg = t->second;
        tg.conn = 0;
        ++tg.failures;
        tg.backoff_ms = tg.backoff_ms == 0 ? cfg_.reconnect_min_ms
                                           : std::min(tg.backoff_ms * 2, cfg_.reconnect_max_ms);
        // Jitter: 50..100% of the backoff, so that peers do not redial in lockstep.
        const uint64_t jitter = std::uniform_int_distribution<uint64_t>(tg.backoff_ms / 2, tg.backoff_ms)(rng_);
        tg.next_ms = steady_ms() + jitter;
        if (!tg.persistent && tg.failures >= kMaxTargetFailures) {
          if (book_.contains(s.target)) book_dirty_ = true;
          book_.remove(s.target);
          targets_.erase(t);
        }
      }
      slots_.erase(it);
    }
  }
  if (counted) count_drop(reason);
  if (was_active) handler_.on_disconnected(conn.id());
}

void HostCore::update_height(PeerId id, uint64_t height) {
  std::lock_guard lk(mu_);
  auto it = slots_.find(id);
  if (it != slots_.end() && it->second.active) it->second.info.height = height;
}

std::vector<PeerAddress> HostCore::addresses_for(PeerId asker) {
  std::lock_guard lk(mu_);
  std::vector<PeerAddress> out;
  std::set<std::string> seen;
  std::string asker_listen;
  if (auto it = slots_.find(asker); it != slots_.end()) asker_listen = it->second.info.listen_address;
  auto add = [&](const std::string& a) {
    if (out.size() >= kMaxPeersPerMessage || a.empty() || a == asker_listen || !seen.insert(a).second) return;
    if (auto pa = PeerAddress::parse(a)) out.push_back(*pa);
  };
  for (const auto& [id, s] : slots_)
    if (s.active) add(s.info.listen_address);
  std::vector<std::string> book = book_.all();
  std::shuffle(book.begin(), book.end(), rng_);
  for (const auto& a : book) add(a);
  return out;
}

void HostCore::learn(const std::vector<PeerAddress>& addresses) {
  std::lock_guard lk(mu_);
  for (const auto& a : addresses)
    if (book_.add(a.to_string(), rng_)) book_dirty_ = true;
}

void HostCore::add_peer(const std::string& host_port) {
  std::lock_guard lk(mu_);
  Target& t = targets_[host_port];
  t.persistent = true;
  t.next_ms = 0;
}

bool HostCore::first_seen(uint64_t h) {
  std::lock_guard lk(seen_mu_);
  return seen_.insert(h, steady_ms());
}

void HostCore::count_drop(const std::string& reason) {
  std::lock_guard lk(drops_mu_);
  ++drops_[reason];
}

void HostCore::broadcast(ByteView payload) {
  auto plain = std::make_shared<const Bytes>(encode_payload(payload));
  const bool gossip = is_gossip(payload);
  const uint64_t h = gossip ? hasher_(payload) : 0;
  if (gossip) first_seen(h);  // an echo from a peer is then a duplicate
  std::vector<std::shared_ptr<Connection>> conns;
  {
    std::lock_guard lk(mu_);
    for (auto& [id, s] : slots_)
      if (s.active) conns.push_back(s.conn);
  }
  for (auto& c : conns) c->post_payload(plain, gossip, h, true);
}

void HostCore::send(PeerId to, ByteView payload) {
  std::shared_ptr<Connection> conn;
  {
    std::lock_guard lk(mu_);
    auto it = slots_.find(to);
    if (it == slots_.end() || !it->second.active) return;
    conn = it->second.conn;
  }
  const bool gossip = is_gossip(payload);
  conn->post_payload(std::make_shared<const Bytes>(encode_payload(payload)), gossip,
                     gossip ? hasher_(payload) : 0, false);
}

std::size_t HostCore::peer_count() const {
  std::lock_guard lk(mu_);
  return active_by_key_.size();
}

std::vector<PeerInfo> HostCore::peers() const {
  std::lock_guard lk(mu_);
  std::vector<PeerInfo> out;
  const uint64_t now = steady_ms();
  for (const auto& [id, s] : slots_) {
    if (!s.active) continue;
    out.push_back(s.info);
    out.back().ban_score = score_now_locked(s.info.node_pubkey, now);
  }
  return out;
}

std::vector<std::pair<std::string, uint64_t>> HostCore::drop_counts() const {
  std::lock_guard lk(drops_mu_);
  return {drops_.begin(), drops_.end()};
}

HostMemory HostCore::memory() const {
  HostMemory m;
  {
    std::lock_guard lk(mu_);
    m.connections = slots_.size();
    m.address_book = book_.size();
    m.dial_targets = targets_.size();
    m.bans = banned_keys_.size() + banned_addresses_.size();
  }
  std::lock_guard lk(seen_mu_);
  m.seen_gossip = seen_.size();
  return m;
}

}  // namespace swarmchain::p2p
