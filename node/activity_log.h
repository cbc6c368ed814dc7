// What the node's log says about its work, so that an idle node is quiet and a busy one is
// readable (issue 12): a block with txs, or one decided after round 0, at info; an empty block
// at debug (the dev chain makes two a second); a round change while deciding at info; the
// sign-state guard's refusals at info; and one summary line every summary period (height,
// blocks and txs since the last summary, peers, mempool). It returns the lines and the node
// logs them, so the rules are tested without a logger.
//
// Thread-safety: owned by the node's chain strand (the loop thread); not shared.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace swarmchain {

struct LogLine {
  bool info = true;  // false: debug
  std::string text;
};

class ActivityLog {
 public:
  static constexpr uint64_t kSummaryMs = 60'000;

  explicit ActivityLog(uint64_t summary_ms = kSummaryMs) : summary_ms_(summary_ms) {}

  // A committed block: "block H <hash> txs T round R", at info when T > 0 or R > 0.
  LogLine on_block(uint64_t height, const std::string& hash, std::size_t txs, uint32_t round);

  // What the node reads on its strand at every tick (about once a second).
  struct Reading {
    uint64_t now_ms = 0;
    uint64_t height = 0;             // committed tip
    uint64_t deciding_height = 0;    // consensus: the height being decided
    uint32_t round = 0;              // and its round
    const char* step = "";           // and its step, for the round-change line
    bool p2p = false;
    std::size_t peers = 0;
    std::size_t mempool_txs = 0;
    uint64_t sign_refusals = 0;      // DriverStats: a running total
  };
  std::vector<LogLine> tick(const Reading& r);

 private:
  uint64_t summary_ms_;
  uint64_t last_summary_ms_ = 0;  // 0: no tick yet
  uint64_t blocks_since_ = 0;
  uint64_t txs_since_ = 0;
  uint64_t seen_height_ = 0;      // deciding_height at the last tick
  uint32_t seen_round_ = 0;       // round at the last tick
  uint64_t seen_refusals_ = 0;
};

}  // namespace swarmchain
