#include "tests/sim/sim_signer.h"

#include <tuple>
#include <variant>

namespace swarmchain::sim {

Expected<consensus::Message> SimSigner::sign(consensus::Message m) {
  SignRecord r;
  if (auto* p = std::get_if<consensus::Proposal>(&m)) {
    r = {p->height.value, p->round, 0, p->digest(chain_id_), {}};
  } else {
    const Vote& v = std::get<Vote>(m);
    r = {v.height.value, v.round, static_cast<uint8_t>(v.type == VoteType::kPrevote ? 1 : 2),
         v.digest(chain_id_), {}};
  }
  if (memory_.last) {
    const SignRecord& l = *memory_.last;
    const auto mine = std::tie(r.height, r.round, r.step);
    const auto prev = std::tie(l.height, l.round, l.step);
    if (mine < prev) return fail("sign state: (height, round, step) below the last signed");
    if (mine == prev && r.digest != l.digest)
      return fail("sign state: another message at the last signed (height, round, step)");
  }
  r.signature = key_.sign(r.digest);
  memory_.last = r;
  std::visit([&](auto& x) { x.signature = r.signature; }, m);
  return m;
}

Status SimSigner::note_committed(Height h) {
  if (h > memory_.committed) memory_.committed = h;
  return Status::ok();
}

}  // namespace swarmchain::sim
