#include "node/sign_state.h"

#include <tuple>
#include <variant>

#include "common/codec.h"
#include "common/hex.h"
#include "common/private_file.h"

namespace swarmchain {

namespace {

constexpr uint8_t kVersion = 2;
constexpr std::string_view kChecksumTag = "swarmchain/sign-state/v2";
constexpr std::size_t kBodySize = SignState::kEncodedSize - 32;

void encode_vote(const SignedVote& v, Writer& w) {
  w.u8(v.present ? 1 : 0);
  w.fixed(v.block_hash);
  w.fixed(v.signature);
}

Expected<SignedVote> decode_vote(Reader& r, const char* name) {
  SignedVote v;
  const uint8_t present = r.u8();
  v.block_hash = r.fixed<Hash>();
  v.signature = r.fixed<Signature>();
  if (present > 1)
    return fail(SignError::kDamaged, std::string("sign state ") + name + " flag " +
                                         std::to_string(present) + " unknown");
  v.present = present == 1;
  if (!v.present && v != SignedVote{})
    return fail(SignError::kDamaged, std::string("sign state ") + name + " absent but not zero");
  return v;
}

void encode_body(const SignState& s, Writer& w) {
  w.u8(kVersion);
  w.height(s.height);
  w.u32(s.round);
  w.u8(s.step);
  w.fixed(s.digest);
  w.fixed(s.signature);
  w.height(s.committed_height);
  encode_vote(s.prevote, w);
  encode_vote(s.precommit, w);
}

std::string position(Height h, uint32_t round, uint8_t step) {
  static const char* const kNames[] = {"proposal", "prevote", "precommit"};
  return "height " + h.to_string() + " round " + std::to_string(round) + " " +
         (step < 3 ? kNames[step] : "step ?");
}

}  // namespace

Bytes SignState::encode() const {
  Writer w;
  encode_body(*this, w);
  const Hash checksum = hash_tagged(kChecksumTag, w.data());
  w.fixed(checksum);
  return w.take();
}

Expected<SignState> SignState::decode(ByteView bytes) {
  if (bytes.size() != kEncodedSize)
    return fail(SignError::kDamaged, "sign state is " + std::to_string(bytes.size()) +
                                         " bytes, expected " + std::to_string(kEncodedSize));
  if (hash_tagged(kChecksumTag, bytes.first(kBodySize)) != Hash::from(bytes.subspan(kBodySize)))
    return fail(SignError::kDamaged, "sign state checksum does not match");
  Reader r(bytes.first(kBodySize));
  SignState s;
  const uint8_t version = r.u8();
  s.height = r.height();
  s.round = r.u32();
  s.step = r.u8();
  s.digest = r.fixed<Hash>();
  s.signature = r.fixed<Signature>();
  s.committed_height = r.height();
  auto prevote = decode_vote(r, "prevote");
  auto precommit = decode_vote(r, "precommit");
  if (Status st = r.finish(); !st) return fail(SignError::kDamaged, "sign state: " + st.message());
  if (version != kVersion)
    return fail(SignError::kDamaged, "sign state version " + std::to_string(version) + " unknown");
  if (s.step > 2) return fail(SignError::kDamaged, "sign state step " + std::to_string(s.step) + " unknown");
  if (!prevote) return unexpected(prevote.error());
  if (!precommit) return unexpected(precommit.error());
  s.prevote = *prevote;
  s.precommit = *precommit;
  return s;
}

Expected<std::optional<SignState>> FileSignStateStore::load() const {
  auto text = read_private_file(path_, 4096, "sign state");
  if (!text) {
    if (text.error().code_as<PrivateFileError>() == PrivateFileError::kNotFound)
      return std::optional<SignState>();
    return fail(SignError::kDamaged, text.error().message());
  }
  auto s = SignState::decode(as_bytes(*text));
  if (!s)
    return fail(SignError::kDamaged,
                "the sign state " + path_.string() + " is damaged (" + s.error().message() +
                    "); refusing to start rather than forget what this validator signed. "
                    "Restore it from a backup; remove it only if you are sure this key signed "
                    "nothing at heights the chain has not yet committed");
  return std::optional<SignState>(*s);
}

Status FileSignStateStore::save(const SignState& state) {
  const Bytes b = state.encode();
  Status s = write_private_file(path_, {reinterpret_cast<const char*>(b.data()), b.size()},
                                /*overwrite=*/true, sync_dir_);
  if (!s) return Status::error(SignError::kRecord, "cannot record the sign state: " + s.message());
  return Status::ok();
}

Status MemorySignStateStore::save(const SignState& state) {
  if (failing_) return Status::error(SignError::kRecord, "cannot record the sign state: disk failing");
  state_ = state;
  return Status::ok();
}

Expected<std::unique_ptr<GuardedSigner>> GuardedSigner::open(KeyPair key, const Hash& chain_id,
                                                            SignStateStore& store) {
  auto loaded = store.load();
  if (!loaded) return unexpected(loaded.error());
  return std::unique_ptr<GuardedSigner>(
      new GuardedSigner(std::move(key), chain_id, store, loaded->value_or(SignState{})));
}

Expected<consensus::Message> GuardedSigner::sign(consensus::Message m) {
  Height h;
  uint32_t round = 0;
  uint8_t step = 0;
  Hash digest;
  if (auto* p = std::get_if<consensus::Proposal>(&m)) {
    p->proposer = key_.pubkey();
    h = p->height;
    round = p->round;
    step = static_cast<uint8_t>(SignStep::kProposal);
    digest = p->digest(chain_id_);
  } else {
    auto& v = std::get<Vote>(m);
    v.validator = key_.pubkey();
    h = v.height;
    round = v.round;
    step = static_cast<uint8_t>(v.type == VoteType::kPrevote ? SignStep::kPrevote
                                                              : SignStep::kPrecommit);
    digest = v.digest(chain_id_);
  }
  auto set_signature = [&](const Signature& sig) {
    if (auto* p = std::get_if<consensus::Proposal>(&m)) p->signature = sig;
    else std::get<Vote>(m).signature = sig;
  };

  const std::string what = position(h, round, step);
  if (h.value == 0) return fail(SignError::kConflict, "refusing to sign at height 0 (genesis)");
  if (h <= state_.committed_height)
    return fail(SignError::kConflict, "refusing to sign " + what + ": height " +
                                          state_.committed_height.to_string() +
                                          " is already committed");
  if (const auto* v = std::get_if<Vote>(&m); v && h == state_.height && round == state_.round) {
    const SignedVote& kept = v->type == VoteType::kPrevote ? state_.prevote : state_.precommit;
    if (kept.present && kept.block_hash == v->block_hash) {  // signed already: nothing new
      set_signature(kept.signature);
      return m;
    }
  }
  const auto asked = std::make_tuple(h, round, step);
  const auto last = std::make_tuple(state_.height, state_.round, state_.step);
  if (asked < last)
    return fail(SignError::kConflict, "refusing to sign " + what + ": already signed " +
                                          position(state_.height, state_.round, state_.step));
  if (asked == last) {
    if (digest != state_.digest)
      return fail(SignError::kConflict, "refusing to sign " + what +
                                            " again with other content (double sign)");
    set_signature(state_.signature);
    return m;
  }
  SignState next = state_;
  if (std::make_tuple(h, round) != std::make_tuple(state_.height, state_.round)) {
    next.prevote = {};  // the votes kept are those of (height, round)
    next.precommit = {};
  }
  next.height = h;
  next.round = round;
  next.step = step;
  next.digest = digest;
  next.signature = key_.sign(digest);
  if (const auto* v = std::get_if<Vote>(&m))
    (v->type == VoteType::kPrevote ? next.prevote : next.precommit) =
        SignedVote{true, v->block_hash, next.signature};
  // Recorded before the signature leaves this function: if recording fails, nothing is signed.
  if (Status s = store_.save(next); !s) return unexpected(std::move(s));
  state_ = next;
  set_signature(state_.signature);
  return m;
}

std::optional<SignedRound> GuardedSigner::last_signed() const {
  if (state_.height.value == 0) return std::nullopt;
  SignedRound out{state_.height, state_.round, {}};
  for (const auto& [type, kept] : {std::pair{VoteType::kPrevote, &state_.prevote},
                                   std::pair{VoteType::kPrecommit, &state_.precommit}}) {
    if (!kept->present) continue;
    Vote v;
    v.type = type;
    v.height = state_.height;
    v.round = state_.round;
    v.block_hash = kept->block_hash;
    v.validator = key_.pubkey();
    v.signature = kept->signature;
    out.votes.push_back(v);
  }
  return out;
}

Status GuardedSigner::note_committed(Height h) {
  if (h <= state_.committed_height) return Status::ok();
  SignState next = state_;
  next.committed_height = h;
  if (Status s = store_.save(next); !s) return s;
  state_ = next;
  return Status::ok();
}

Status check_store_not_behind(Height store_tip, Height committed) {
  if (store_tip >= committed) return Status::ok();
  return Status::error(SignError::kStoreBehind,
                       "the chain store is at height " + store_tip.to_string() +
                           " but this node already committed " + committed.to_string() +
                           ": the store lost blocks (damaged disk?); refusing to start so as not "
                           "to sign twice");
}

}  // namespace swarmchain
