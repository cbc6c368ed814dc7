// Grammar: see consensus/message.h (proposal, message = tag u8 || proposal | vote, and the
// proposal digest). Vote's own grammar is in common/commit.h.
#include "consensus/message.h"

#include <string>

namespace swarmchain::consensus {

namespace {
enum class MessageTag : uint8_t { kProposal = 0, kVote = 1 };
constexpr uint8_t kMaxMessageTag = static_cast<uint8_t>(MessageTag::kVote);
}  // namespace

Hash Proposal::digest(const Hash& chain_id) const {
  Writer w;
  w.fixed(chain_id);
  w.height(height);
  w.u32(round);
  w.u32(pol_round);
  w.fixed(value_hash);
  return hash_tagged("swarmchain/proposal/v1", w.data());
}

void Proposal::encode(Writer& w) const {
  w.height(height);
  w.u32(round);
  w.u32(pol_round);
  w.fixed(value_hash);
  w.bytes(value);
  w.fixed(proposer);
  w.fixed(signature);
}

Proposal Proposal::decode(Reader& r) {
  Proposal p;
  p.height = r.height();
  p.round = r.u32();
  p.pol_round = r.u32();
  p.value_hash = r.fixed<Hash>();
  p.value = r.bytes(kMaxValueBytes);
  p.proposer = r.fixed<PubKey>();
  p.signature = r.fixed<Signature>();
  // A proof-of-lock round is always an earlier round of the same height (Algorithm 1, line 28:
  // vr < round_p); anything else has no meaning, so it has no encoding either.
  if (r.ok() && p.pol_round != kNoRound && p.pol_round >= p.round)
    r.fail(DecodeError::kBadValue, "proposal pol_round " + std::to_string(p.pol_round) +
                                       " is not below its round " + std::to_string(p.round));
  return p;
}

Bytes encode_message(const Message& m) {
  Writer w;
  if (const auto* p = std::get_if<Proposal>(&m)) {
    w.u8(static_cast<uint8_t>(MessageTag::kProposal));
    p->encode(w);
  } else {
    w.u8(static_cast<uint8_t>(MessageTag::kVote));
    std::get<Vote>(m).encode(w);
  }
  return w.take();
}

Expected<Message> decode_message(ByteView bytes) {
  Reader r(bytes);
  const auto tag = r.enumeration<MessageTag>(kMaxMessageTag);
  Message m;
  if (r.ok()) {
    if (tag == MessageTag::kProposal)
      m = Proposal::decode(r);
    else
      m = Vote::decode(r);
  }
  Status s = r.finish();
  if (!s) return unexpected(std::move(s));
  return m;
}

const PubKey& signer_of(const Message& m) {
  if (const auto* p = std::get_if<Proposal>(&m)) return p->proposer;
  return std::get<Vote>(m).validator;
}

Height height_of(const Message& m) {
  return std::visit([](const auto& x) { return x.height; }, m);
}

uint32_t round_of(const Message& m) {
  return std::visit([](const auto& x) { return x.round; }, m);
}

}  // namespace swarmchain::consensus
