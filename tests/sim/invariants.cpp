#include "tests/sim/invariants.h"

#include "common/hex.h"

namespace swarmchain::sim {

namespace {
template <typename F>
std::string short_hex(const F& h) {
  return to_hex(h.view()).substr(0, 16);
}
}  // namespace

void InvariantChecker::fail(std::string what) {
  if (!failure_) failure_ = std::move(what);
}

void InvariantChecker::on_certificate(NodeIndex node, Height height, const Hash& hash,
                                      const char* where) {
  auto [it, fresh] = certified_.try_emplace(height.value, Certified{hash, node, where});
  if (fresh || it->second.hash == hash) return;
  fail("safety: two blocks certified at height " + height.to_string() + ": " +
       short_hex(it->second.hash) + " (node " + std::to_string(it->second.node) + ", " +
       it->second.where + ") and " + short_hex(hash) + " (node " + std::to_string(node) + ", " +
       where + ")");
}

void InvariantChecker::on_commit(NodeIndex node, const Block& block, const CommitCertificate& cert) {
  if (cert.height != block.header.height || cert.block_hash != block.hash())
    fail("node " + std::to_string(node) + " committed height " + block.header.height.to_string() +
         " with a certificate of another block");
  on_certificate(node, block.header.height, block.hash(), "committed");
  if (block.last_commit)
    on_certificate(node, block.last_commit->height, block.last_commit->block_hash, "last_commit");
}

void InvariantChecker::on_state(NodeIndex node, Height height, const Roots& roots) {
  auto [it, fresh] = roots_.try_emplace(height.value, roots, node);
  if (fresh || it->second.first == roots) return;
  fail("agreement: at height " + height.to_string() + " node " + std::to_string(node) +
       " has state/registry roots " + short_hex(roots.state_root) + "/" +
       short_hex(roots.registry_root) + ", node " + std::to_string(it->second.second) + " has " +
       short_hex(it->second.first.state_root) + "/" + short_hex(it->second.first.registry_root));
}

void InvariantChecker::on_committee(NodeIndex node, Height height,
                                    const std::vector<PubKey>& committee,
                                    const std::set<PubKey>& never_proved) {
  for (const PubKey& pk : committee)
    if (never_proved.count(pk) != 0)
      fail("committee: node " + std::to_string(node) + " sees " + short_hex(pk) +
           ", which never sent a proof, in the committee of height " + height.to_string());
}

Height InvariantChecker::highest() const {
  return certified_.empty() ? Height(0) : Height(certified_.rbegin()->first);
}

}  // namespace swarmchain::sim
