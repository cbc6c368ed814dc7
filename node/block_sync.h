// BlockSync: which committed blocks this node asks its peers for, and the ones that arrived
// ahead of the tip (design §7.3). The Driver owns it and applies what it hands out.
//
// A node learns that it is behind from a peer's height (its Hello and pings, a consensus
// message for a later height, a Blocks answer). While a peer is ahead of the tip, BlockSync keeps
// up to `max_outstanding` range requests of `batch` blocks in flight, each to a peer that has
// them, spread over those peers (the one with the fewest requests in flight first), so that
// fetching from several peers overlaps with verifying and applying. A request not answered
// within `request_timeout_ms` is asked again of another peer. Blocks that arrive are buffered by
// height (at most `max_buffered` heights past the tip; a second copy of a height is ignored)
// and handed out in height order once "ready" (the Driver marks a batch ready when its
// signatures were verified ahead of time on the worker pool, or at once without a pool).
//
// Nothing here is trusted: the Driver checks every handed-out block's certificate against the
// committee it computes itself and executes it; a block that fails is reported back with
// refused(), which drops everything buffered from that peer and asks again elsewhere.
//
// Thread-safety: none; the chain strand (the Driver's thread) only. Time is an argument.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "common/height.h"
#include "node/wire.h"

namespace swarmchain {

// A connection as the transport names it (the simulator: the other node's index).
using PeerId = uint32_t;

struct BlockSyncConfig {
  uint32_t batch = wire::kMaxBlocksPerRequest;
  std::size_t max_outstanding = 8;
  uint64_t request_timeout_ms = 5'000;
  std::size_t max_buffered = 1024;
};

// How far along a sync is, for the node's progress log and get_info's `syncing`.
struct SyncProgress {
  bool syncing = false;  // a peer is more than one block ahead of the tip
  Height target;         // the highest height a peer claims
  std::size_t outstanding = 0;
  std::size_t buffered = 0;
};

class BlockSync {
 public:
  explicit BlockSync(BlockSyncConfig config = {}) : config_(config) {}

  // The peer has committed blocks up to `height` (only grows; a lower claim is ignored).
  void note_height(PeerId peer, Height height);
  void peer_gone(PeerId peer);

  // The range requests to send now, given the tip (also re-asks timed-out requests).
  std::vector<std::pair<PeerId, wire::BlockRequest>> requests(Height tip, uint64_t now_ms);

  // Buffers the blocks above the tip from a Blocks message of `peer` (answered or not); returns
  // the id of the batch they form (0 if nothing was buffered), to pass to mark_ready().
  uint64_t add(PeerId peer, wire::Blocks blocks, Height tip, bool ready);
  void mark_ready(uint64_t batch_id);

  // The buffered block at tip + 1 if it is ready, with the peer that sent it.
  std::optional<std::pair<PeerId, wire::CertifiedBlock>> take_next(Height tip);
  // The block from `peer` at `height` failed its checks: forget what that peer sent and the
  // requests it holds, so that they are asked of another peer.
  void refused(PeerId peer, Height height);

  SyncProgress progress(Height tip) const;

 private:
  struct Request {
    PeerId peer = 0;
    uint64_t sent_ms = 0;
    Height last;  // the range is [key, last]
  };
  struct Batch {
    bool ready = false;
    std::size_t blocks = 0;  // still buffered
  };
  struct Buffered {
    PeerId peer = 0;
    uint64_t batch = 0;
    wire::CertifiedBlock block;
  };
  std::size_t in_flight(PeerId peer) const;
  std::optional<PeerId> pick_peer(Height last, PeerId avoid) const;
  void drop_below(Height tip);
  // Erases a buffered block, and its batch once the batch has no block left.
  std::map<Height, Buffered>::iterator erase_buffered(std::map<Height, Buffered>::iterator it);

  BlockSyncConfig config_;
  std::map<PeerId, Height> peer_height_;
  std::map<Height, Request> outstanding_;  // keyed by the request's first height
  std::map<Height, Buffered> buffered_;
  std::map<uint64_t, Batch> batches_;  // batches with blocks still buffered
  uint64_t next_batch_ = 1;
};

}  // namespace swarmchain
