#include "node/mempool_file.h"

#include <system_error>

#include "common/codec.h"
#include "common/crypto.h"
#include "common/file_util.h"
#include "common/hex.h"

namespace swarmchain {

namespace fs = std::filesystem;

namespace {

constexpr uint8_t kVersion = 1;
constexpr std::string_view kChecksumTag = "swarmchain/mempool-file/v1";
constexpr std::size_t kChecksumSize = 32;
// The pool's byte limit (64 MiB by default) plus each tx's length prefix, with room to spare.
constexpr std::size_t kMaxFileBytes = 256u << 20;

}  // namespace

Bytes encode_mempool_file(const Hash& chain_id, std::span<const Tx> txs) {
  Writer w;
  w.u8(kVersion);
  w.fixed(chain_id);
  encode_tx_list(w, txs);
  const Hash checksum = hash_tagged(kChecksumTag, w.data());
  w.fixed(checksum);
  return w.take();
}

Expected<std::vector<Tx>> decode_mempool_file(ByteView bytes, const Hash& chain_id) {
  if (bytes.size() < 1 + 32 + 1 + kChecksumSize)
    return fail("it is " + std::to_string(bytes.size()) + " bytes, too short to be one");
  const ByteView body = bytes.first(bytes.size() - kChecksumSize);
  if (hash_tagged(kChecksumTag, body) != Hash::from(bytes.subspan(body.size())))
    return fail("its checksum does not match (truncated or damaged)");
  Reader r(body);
  const uint8_t version = r.u8();
  if (version != kVersion)
    return fail("it has version " + std::to_string(version) + ", this node reads version " +
                std::to_string(kVersion));
  const Hash file_chain = r.fixed<Hash>();
  if (file_chain != chain_id)
    return fail("it belongs to chain " + to_hex(file_chain).substr(0, 16) + ", not this one");
  std::vector<Tx> txs = decode_tx_list(r, kMaxSavedTxs);
  if (Status s = r.finish(); !s) return fail("it does not decode: " + s.message());
  return txs;
}

Status save_mempool_file(const fs::path& path, const Hash& chain_id, std::span<const Tx> txs) {
  const Bytes data = encode_mempool_file(chain_id, txs);
  const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  return write_file_atomic(path, text, 0600, /*overwrite=*/true);
}

MempoolReload reload_mempool(const fs::path& path, const Blockchain& chain, Mempool& mempool) {
  MempoolReload out;
  std::error_code ec;
  if (!fs::exists(path, ec)) return out;
  out.found = true;
  auto text = read_file(path, kMaxFileBytes);
  Expected<std::vector<Tx>> txs = text ? decode_mempool_file(as_bytes(*text), chain.chain_id())
                                        : Expected<std::vector<Tx>>(unexpected(text.error()));
  if (!txs) {
    const fs::path aside = path.string() + ".bad";
    fs::rename(path, aside, ec);
    out.warning = "the saved mempool " + path.string() + " is unusable: " +
                  txs.error().message() + "; skipped" +
                  (ec ? " (and it could not be moved aside: " + ec.message() + ")"
                      : ", moved to " + aside.string()) +
                  ". Its txs are not re-admitted; their senders can send them again";
    return out;
  }
  // Removed before admission: a crash from here on never re-admits these txs a second time.
  fs::remove(path, ec);
  if (ec)
    out.warning = "cannot remove the saved mempool " + path.string() + " after reading it: " +
                  ec.message() + "; remove it by hand, or the next start reads it again";
  out.in_file = txs->size();
  std::vector<Expected<TxId>> results;
  chain.with_state([&](const ChainState& state, const ChainTip&) {
    results = mempool.add_batch(*txs, state);
  });
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i])
      out.admitted.push_back((*txs)[i]);
    else
      ++out.dropped[tx_rejection_name(results[i].error().code())];
  }
  return out;
}

}  // namespace swarmchain
