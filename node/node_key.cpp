#include "node/node_key.h"

#include "common/hex.h"
#include "common/private_file.h"

namespace swarmchain {

Expected<KeyPair> load_node_key(const std::filesystem::path& path) {
  // 64 hex digits and a line end; a little slack for a CR or spaces added by an editor.
  auto text = read_private_file(path, 256, "node key");
  if (!text) {
    if (text.error().code_as<PrivateFileError>() == PrivateFileError::kNotFound)
      return fail("no node key at " + path.string() + " (create one with `swarmchaind keygen --datadir " +
                  path.parent_path().string() + "`)");
    return unexpected(text.error());
  }
  std::string line = text->substr(0, text->find('\n'));
  secure_wipe(text->data(), text->size());
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  auto seed = fixed_from_hex<Seed>(line);
  secure_wipe(line.data(), line.size());
  if (!seed) return fail("node key file " + path.string() + " is corrupt: expected 64 hex digits");
  KeyPair kp = KeyPair::from_seed(*seed);
  secure_wipe(seed->data.data(), seed->size());
  return kp;
}

Expected<KeyPair> create_node_key(const std::filesystem::path& path) {
  KeyPair kp = KeyPair::generate();
  std::string text = to_hex(kp.seed()) + "\n";
  Status s = write_private_file(path, text, /*overwrite=*/false);
  secure_wipe(text.data(), text.size());
  if (!s) return unexpected(std::move(s));
  return kp;
}

}  // namespace swarmchain
