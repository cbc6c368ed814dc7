// Driver::Impl, block sync (node/block_sync.h): serving and asking for committed blocks.
#include "node/driver_impl.h"

namespace swarmchain {

void Driver::Impl::peer_behind(PeerId p, Height peer_height) {
  const uint64_t now = clock.now_ms();
  Behind& b = behind[p];
  if (b.height != peer_height) {
    b = Behind{peer_height, now, 0, false};
    return;
  }
  if (now - b.first_seen_ms < config.rebroadcast_ms) return;
  if (b.served && now - b.served_ms < config.rebroadcast_ms) return;
  b.served = true;
  b.served_ms = now;
  send_blocks(p, peer_height, wire::kMaxBlocksPerRequest);
}

void Driver::Impl::request_blocks(PeerId p, Height height) {
  sync.note_height(p, height);
  pump_sync();
}

void Driver::Impl::pump_sync() {
  if (stopped()) return;
  for (const auto& [peer, req] : sync.requests(chain.tip().header.height, clock.now_ms()))
    send(peer, req);
}

void Driver::Impl::send_blocks(PeerId p, Height from, uint32_t count) {
  const Height tip = chain.tip().header.height;
  wire::Blocks out;
  std::size_t bytes = 0;
  for (Height h = std::max(from, Height(1)); h <= tip && out.blocks.size() < count;
       h = h.next()) {
    auto block = chain.store().block_at(h);
    auto cert = chain.store().certificate_at(h);
    if (!block || !cert || !*cert) break;  // a store read error is the node's, seen on /health
    bytes += block->to_bytes().size();
    out.blocks.push_back(wire::CertifiedBlock{std::move(*block), std::move(**cert)});
    if (bytes >= kMaxBlocksBytes) break;
  }
  if (!out.blocks.empty()) send(p, out);
}

void Driver::Impl::on_blocks(PeerId p, wire::Blocks msg) {
  std::shared_ptr<SyncBatch> shared;
  if (config.preverify) {
    shared = std::make_shared<SyncBatch>();
    shared->blocks.reserve(msg.blocks.size());
    shared->certs.reserve(msg.blocks.size());
    for (const auto& cb : msg.blocks) {
      shared->blocks.push_back(cb.block);
      shared->certs.push_back(cb.cert);
    }
  }
  const uint64_t batch =
      sync.add(p, std::move(msg), chain.tip().header.height, !config.preverify);
  if (batch == 0) return;  // nothing above the tip: a late or duplicate answer
  ++peers[p].accepted;
  if (config.preverify)
    config.preverify(std::move(shared), [this, batch] { on_preverified(batch); });
  else
    apply_synced();
  pump_sync();
}

void Driver::Impl::on_preverified(uint64_t batch) {
  if (stopped()) return;
  sync.mark_ready(batch);
  apply_synced();
  pump_sync();
}

void Driver::Impl::apply_synced() {
  bool progressed = false;
  while (!stopped()) {
    auto next = sync.take_next(chain.tip().header.height);
    if (!next) break;
    const auto& [p, cb] = *next;
    const Height h = cb.block.header.height;
    if (Status s =
            verify_certificate(cb.cert, chain.chain_id(), h, cb.block.hash(), chain.committee(h),
                               &chain.sig_cache());
        !s) {
      drop(p, "bad_certificate");
      sync.refused(p, h);
      continue;
    }
    auto executed = chain.validate(cb.block);
    if (!executed) {
      drop(p, "bad_block");
      sync.refused(p, h);
      continue;
    }
    if (!commit_block(cb.block, cb.cert, std::move(*executed), false)) {
      if (!stopped()) sync.refused(p, h);
      continue;
    }
    ++stats.blocks_synced;
    progressed = true;
  }
  if (!progressed || stopped()) return;
  if (Status s = chain.sync_store(); !s) {
    fail("the store could not sync the blocks it applied: " + s.message(),
         DriverFailure::kStorage);
    return;
  }
  if (note_committed(chain.tip().header.height)) run(start_height());
}

}  // namespace swarmchain
