// Fuzz target: the finality proof and what it is made of. The first byte picks the decoder:
//   0 commit certificate (common/commit.h), then verify_certificate against the fuzz
//     genesis's four service nodes for the height and block the certificate names
//   1 vote (common/commit.h)
//   2 consensus message: proposal or vote (consensus/message.h)
// Property: what decodes re-encodes to the same bytes; verifying never trusts an index.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/commit.h"
#include "consensus/message.h"
#include "tests/fuzz/fuzz_support.h"

using namespace swarmchain;

namespace {

void certificate(ByteView in) {
  static const Hash chain_id = fuzz::genesis().chain_id();
  static const std::vector<PubKey> committee = [] {
    std::vector<PubKey> c;
    for (uint8_t i = 100; i <= 103; ++i) c.push_back(fuzz::key(i).pubkey());
    return c;
  }();
  auto cert = decode_exact<CommitCertificate>(in);
  if (!cert) return;
  fuzz::check(fuzz::same(encode(*cert), in), "a decoded certificate re-encodes to other bytes");
  (void)cert->hash();
  // One failing signature ends the check, so this costs at most a few verifications.
  (void)verify_certificate(*cert, chain_id, cert->height, cert->block_hash, committee);
}

void vote(ByteView in) {
  auto v = decode_exact<Vote>(in);
  if (!v) return;
  fuzz::check(fuzz::same(encode(*v), in), "a decoded vote re-encodes to other bytes");
  fuzz::check(!votes_conflict(*v, *v), "a vote conflicts with itself");
}

void consensus_message(ByteView in) {
  auto m = consensus::decode_message(in);
  if (!m) return;
  fuzz::check(fuzz::same(consensus::encode_message(*m), in),
              "a decoded consensus message re-encodes to other bytes");
  if (const auto* p = std::get_if<consensus::Proposal>(&*m))
    fuzz::check(p->pol_round == consensus::kNoRound || p->pol_round < p->round,
                "a proposal with pol_round >= round decoded");
  (void)consensus::signer_of(*m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const ByteView rest = fuzz::input(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      certificate(rest);
      break;
    case 1:
      vote(rest);
      break;
    default:
      consensus_message(rest);
  }
  return 0;
}
