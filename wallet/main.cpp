// swarmchain-wallet: keys in a keystore file, everything else through a node's JSON-RPC.
//
//   swarmchain-wallet create | restore | address | balance | transfer <addr> <amount> | history
//   global: --keystore FILE  --node URL  --password-file FILE  --json
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <ctime>
#include <iostream>

#include "common/address.h"
#include "common/crypto.h"
#include "common/hex.h"
#include "wallet/keystore.h"
#include "wallet/password.h"
#include "wallet/wallet.h"

using namespace swarmchain;
using nlohmann::json;

namespace {

struct Globals {
  std::string keystore;
  std::string node = "http://127.0.0.1:22023";
  std::string password_file;
  bool json_out = false;
};

std::string default_keystore() {
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.swarmchain/wallet.json";
}

int fail_with(const Globals& g, const std::string& message) {
  if (g.json_out) std::cout << json{{"error", message}}.dump() << "\n";
  else std::cerr << "error: " << message << "\n";
  return 1;
}

Expected<std::string> get_password(const Globals& g, bool confirm) {
  if (!g.password_file.empty()) return read_password_file(g.password_file);
  return prompt_password(confirm ? "New keystore password: " : "Keystore password: ", confirm);
}

Expected<KeyPair> open_wallet(const Globals& g) {
  auto pw = get_password(g, false);
  if (!pw) return unexpected(pw.error());
  auto kp = Keystore::open(g.keystore, *pw);
  secure_wipe(pw->data(), pw->size());
  return kp;
}

int write_new(const Globals& g, const Seed& seed, bool show_seed) {
  std::error_code ec;
  auto parent = std::filesystem::path(g.keystore).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (std::filesystem::exists(g.keystore, ec))
    return fail_with(g, "keystore already exists at " + g.keystore + "; refusing to overwrite");
  auto pw = get_password(g, true);
  if (!pw) return fail_with(g, pw.error().message());
  Status s = Keystore::create(g.keystore, seed, *pw);
  secure_wipe(pw->data(), pw->size());
  if (!s) return fail_with(g, s.message());
  std::string address = address_from_pubkey(KeyPair::from_seed(seed).pubkey());
  std::string seed_text = show_seed ? seed_to_text(seed) : "";
  if (g.json_out) {
    json j{{"address", address}, {"keystore", g.keystore}};
    if (show_seed) j["seed"] = seed_text;
    std::cout << j.dump() << "\n";
  } else {
    std::cout << "keystore: " << g.keystore << "\naddress:  " << address << "\n";
    if (show_seed)
      std::cout << "seed:     " << seed_text
                << "\n\nWrite the seed down and keep it secret. It is shown only this once; with "
                   "it `swarmchain-wallet restore` recreates this wallet.\n";
  }
  secure_wipe(seed_text.data(), seed_text.size());
  return 0;
}

int cmd_restore(const Globals& g, const std::string& seed_file) {
  std::string text;
  if (!seed_file.empty()) {
    std::ifstream in(seed_file);
    if (!in) return fail_with(g, "cannot read seed file " + seed_file);
    std::getline(in, text);
  } else {
    auto t = prompt_password("Seed (72 hex digits): ", false);
    if (!t) return fail_with(g, t.error().message() + " (or use --seed-file)");
    text = *t;
  }
  auto seed = seed_from_text(text);
  secure_wipe(text.data(), text.size());
  if (!seed) return fail_with(g, seed.error().message());
  return write_new(g, *seed, false);
}

int cmd_address(const Globals& g) {
  auto addr = Keystore::read_address(g.keystore);
  if (!addr) return fail_with(g, addr.error().message());
  if (g.json_out) std::cout << json{{"address", *addr}}.dump() << "\n";
  else std::cout << *addr << "\n";
  return 0;
}

int cmd_balance(const Globals& g) {
  auto addr = Keystore::read_address(g.keystore);
  if (!addr) return fail_with(g, addr.error().message());
  WalletClient w(g.node);
  auto acct = w.account(*parse_address(*addr));
  if (!acct) return fail_with(g, acct.error().message());
  if (g.json_out) {
    std::cout << json{{"address", *addr}, {"balance", acct->balance.atomic()},
                      {"balance_text", acct->balance.to_string()}, {"nonce", acct->nonce},
                      {"pending_nonce", acct->pending_nonce}, {"height", acct->height}}
                     .dump()
              << "\n";
  } else {
    std::cout << "address: " << *addr << "\nbalance: " << acct->balance.to_string()
              << " (at height " << acct->height << ")\n";
    if (acct->pending_nonce > acct->nonce)
      std::cout << "pending: " << (acct->pending_nonce - acct->nonce) << " transaction(s)\n";
  }
  return 0;
}

int cmd_transfer(const Globals& g, const std::string& to, const std::string& amount_text,
                 const std::string& fee_text) {
  auto to_pk = parse_address(to);
  if (!to_pk) return fail_with(g, to_pk.error().message());
  auto amount = Amount::parse(amount_text);
  if (!amount)
    return fail_with(g, "invalid amount \"" + amount_text +
                            "\": use a decimal number of coins with at most 9 decimals, e.g. 12.5");
  std::optional<Amount> fee;
  if (!fee_text.empty()) {
    fee = Amount::parse(fee_text);
    if (!fee) return fail_with(g, "invalid fee \"" + fee_text + "\"");
  }
  auto key = open_wallet(g);
  if (!key) return fail_with(g, key.error().message());
  WalletClient w(g.node);
  auto id = w.transfer(*key, to, *amount, fee);
  if (!id) return fail_with(g, id.error().message());
  if (g.json_out) std::cout << json{{"txid", to_hex(*id)}, {"status", "pending"}}.dump() << "\n";
  else std::cout << "sent " << amount->to_string() << " to " << to << "\ntxid: " << to_hex(*id) << "\n";
  return 0;
}

int cmd_history(const Globals& g, uint64_t limit) {
  auto addr = Keystore::read_address(g.keystore);
  if (!addr) return fail_with(g, addr.error().message());
  WalletClient w(g.node);
  auto r = w.call("get_account_history", {{"address", *addr}, {"limit", limit}});
  if (!r) return fail_with(g, r.error().message());
  if (g.json_out) {
    std::cout << r->dump() << "\n";
    return 0;
  }
  const auto& txs = (*r)["transactions"];
  if (txs.empty()) std::cout << "no transactions yet\n";
  for (const auto& t : txs) {
    bool out = t.value("from", "") == *addr;
    std::string amount = t.contains("amount") ? Amount(t["amount"].get<uint64_t>()).to_string() : "-";
    std::cout << "height " << t.value("height", 0) << "  " << t.value("type", "?") << "  "
              << (out ? "out " : "in  ") << amount << "  "
              << (out ? "to " + t.value("to", std::string("?")) : "from " + t.value("from", std::string("?")))
              << "  fee " << Amount(t.value("fee", uint64_t{0})).to_string() << "  txid "
              << t.value("txid", "") << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"swarmchain-wallet: keys, transfers and stakes on a swarmchain node"};
  app.set_version_flag("--version", "swarmchain-wallet 0.1.0");
  app.require_subcommand(1);
  Globals g;
  g.keystore = default_keystore();
  app.add_option("--keystore", g.keystore, "Keystore file")->capture_default_str();
  app.add_option("--node", g.node, "Node JSON-RPC URL")->capture_default_str();
  app.add_option("--password-file", g.password_file,
                 "Read the password from this file instead of asking (for scripts)");
  app.add_flag("--json", g.json_out, "Machine-readable JSON output");

  app.add_subcommand("create", "Create a new wallet (shows its seed once)");
  auto* restore = app.add_subcommand("restore", "Recreate a wallet from its seed");
  std::string seed_file;
  restore->add_option("--seed-file", seed_file, "Read the seed from this file instead of asking");
  app.add_subcommand("address", "Print this wallet's address");
  app.add_subcommand("balance", "Show this wallet's balance");
  auto* transfer = app.add_subcommand("transfer", "Send coins: transfer <address> <amount>");
  std::string to, amount, fee;
  transfer->add_option("address", to, "Recipient address (sw1...)")->required();
  transfer->add_option("amount", amount, "Amount in coins, e.g. 12.5")->required();
  transfer->add_option("--fee", fee, "Fee in coins (default: the node's estimate)");
  auto* history = app.add_subcommand("history", "List this wallet's transactions, newest first");
  uint64_t limit = 50;
  history->add_option("--limit", limit, "How many")->capture_default_str()->check(CLI::Range(1, 1000));
  CLI11_PARSE(app, argc, argv);

  if (!crypto_init()) return fail_with(g, "libsodium failed to initialise");
  const std::string cmd = app.get_subcommands().front()->get_name();
  if (cmd == "create") {
    Seed seed = random_fixed<Seed>();
    int rc = write_new(g, seed, true);
    secure_wipe(seed.data.data(), seed.size());
    return rc;
  }
  if (cmd == "restore") return cmd_restore(g, seed_file);
  if (cmd == "address") return cmd_address(g);
  if (cmd == "balance") return cmd_balance(g);
  if (cmd == "transfer") return cmd_transfer(g, to, amount, fee);
  if (cmd == "history") return cmd_history(g, limit);
  return fail_with(g, "unknown command " + cmd);
}
