#include "node/node_key.h"

#include <fstream>
#include <sstream>

#include "common/file_util.h"
#include "common/hex.h"

namespace swarmchain {

Expected<KeyPair> load_node_key(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return fail("cannot read node key " + path.string() + " (create one with `swarmchaind keygen`)");
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  auto seed = fixed_from_hex<Seed>(line);
  if (!seed) return fail("node key file " + path.string() + " is corrupt: expected 64 hex digits");
  return KeyPair::from_seed(*seed);
}

Expected<KeyPair> create_node_key(const std::filesystem::path& path) {
  KeyPair kp = KeyPair::generate();
  std::string text = to_hex(kp.seed()) + "\n";
  Status s = write_file_atomic(path, text, 0600, /*overwrite=*/false);
  secure_wipe(text.data(), text.size());
  if (!s) return unexpected(std::move(s));
  return kp;
}

}  // namespace swarmchain
