// Fuzz target: the plaintext of a p2p frame (p2p/message.h), every kind, and the peer address
// text an operator passes to --peer (PeerAddress::parse). Property: what decodes re-encodes to
// the same bytes; an address that parses prints as text that parses to it again.
#include <cstddef>
#include <cstdint>
#include <string>

#include "p2p/message.h"
#include "tests/fuzz/fuzz_support.h"

using namespace swarmchain;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const ByteView in = fuzz::input(data, size);
  if (auto m = p2p::decode_message(in)) {
    fuzz::check(fuzz::same(p2p::encode_message(*m), in),
                "a decoded p2p message re-encodes to other bytes");
    if (const auto* peers = std::get_if<p2p::Peers>(&*m)) {
      fuzz::check(peers->addresses.size() <= p2p::kMaxPeersPerMessage, "a long peer list decoded");
      for (const auto& a : peers->addresses) {
        auto again = p2p::PeerAddress::parse(a.to_string());
        fuzz::check(again && *again == a, "a decoded peer address does not survive its text");
      }
    }
  }
  if (auto a = p2p::PeerAddress::parse(fuzz::text(data, size))) {
    auto again = p2p::PeerAddress::parse(a->to_string());
    fuzz::check(again && *again == *a, "a parsed peer address does not survive its text");
  }
  return 0;
}
