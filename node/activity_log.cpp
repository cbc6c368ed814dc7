#include "node/activity_log.h"

#include <fmt/format.h>

namespace swarmchain {

LogLine ActivityLog::on_block(uint64_t height, const std::string& hash, std::size_t txs,
                              uint32_t round) {
  ++blocks_since_;
  txs_since_ += txs;
  return {txs > 0 || round > 0, fmt::format("block {} {} txs {} round {}", height, hash, txs, round)};
}

std::vector<LogLine> ActivityLog::tick(const Reading& r) {
  std::vector<LogLine> out;
  if (last_summary_ms_ == 0) {  // the first tick: start counting from here
    last_summary_ms_ = r.now_ms;
    seen_height_ = r.deciding_height;
    seen_round_ = r.round;
    seen_refusals_ = r.sign_refusals;
    return out;
  }
  // A round after 0 means the previous one ended without a decision: a missing proposal or
  // missing votes, the first sign of a committee member down.
  if (r.deciding_height == seen_height_ && r.round > seen_round_)
    out.push_back({true, fmt::format("consensus: height {} moved to round {} ({} step): round {} "
                                     "ended without a decision",
                                     r.deciding_height, r.round, r.step, r.round - 1)});
  seen_height_ = r.deciding_height;
  seen_round_ = r.round;
  if (r.sign_refusals > seen_refusals_)
    out.push_back({true, fmt::format("sign-state guard refused to sign {} message(s): each would "
                                     "have been a second, different vote at a height and round "
                                     "this node already voted in",
                                     r.sign_refusals - seen_refusals_)});
  seen_refusals_ = r.sign_refusals;
  if (r.now_ms - last_summary_ms_ >= summary_ms_) {
    out.push_back(
        {true, fmt::format("status: height {} ({} blocks, {} txs in the last {} s), {}, mempool "
                           "{} txs",
                           r.height, blocks_since_, txs_since_, (r.now_ms - last_summary_ms_) / 1000,
                           r.p2p ? fmt::format("{} peer(s)", r.peers) : std::string("p2p off"),
                           r.mempool_txs)});
    last_summary_ms_ = r.now_ms;
    blocks_since_ = 0;
    txs_since_ = 0;
  }
  return out;
}

}  // namespace swarmchain
