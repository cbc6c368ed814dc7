// swarmchain-wallet: keys in a keystore file, everything else through a node's JSON-RPC.
//
//   swarmchain-wallet create | restore | address | balance | transfer <addr> <amount> | history
//   swarmchain-wallet sn register <registration> [--amount X] [--fee F]
//   swarmchain-wallet sn stake <sn_pubkey> <amount|N%> [--fee F]
//   swarmchain-wallet sn unlock <sn_pubkey> [--fee F]
//   swarmchain-wallet sn status <sn_pubkey>
//   swarmchain-wallet stakes | swarm <pubkey>
//   global: --keystore FILE  --node URL  --password-file FILE  --json
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <ctime>
#include <iostream>

#include "common/address.h"
#include "common/crypto.h"
#include "common/hex.h"
#include "common/private_file.h"
#include "rpc/status_text.h"
#include "wallet/keystore.h"
#include "wallet/password.h"
#include "wallet/sn_commands.h"
#include "wallet/swarm_cli.h"
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
  // Directories the wallet makes are the user's alone (existing ones are left as they are).
  if (!parent.empty())
    if (Status s = create_dirs_0700(parent); !s) return fail_with(g, s.message());
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

// --- service-node commands (design §9); the rules are in wallet/sn_commands.h ---------------

// An optional amount option ("" = not given).
Expected<std::optional<Amount>> optional_amount(const std::string& text, const char* what) {
  if (text.empty()) return std::optional<Amount>();
  auto a = Amount::parse(text);
  if (!a)
    return fail(std::string("invalid ") + what + " \"" + text +
                "\": use a decimal number of coins with at most 9 decimals, e.g. 12.5");
  return std::optional<Amount>(*a);
}

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// Fields of a node's answer for display, tolerant of a missing or mistyped field ("?").
std::string coins_of(const json& j, const char* key) {
  auto v = u64_field(j, key);
  return v ? Amount(*v).to_string() : "?";
}
std::string text_of(const json& j, const char* key, const std::string& missing = "?") {
  return string_field(j, key).value_or(missing);
}

// The --json answer of an sn command that sent a tx.
json sent_json(const SentTx& sent, const PubKey& sn) {
  return json{{"txid", to_hex(sent.txid)},
              {"status", "pending"},
              {"amount", sent.amount.atomic()},
              {"amount_text", sent.amount.to_string()},
              {"fee", sent.fee.atomic()},
              {"sn_pubkey", to_hex(sn)}};
}

int cmd_sn_register(const Globals& g, const std::string& text, const std::string& amount_text,
                    const std::string& fee_text) {
  auto reg = Registration::from_text(trimmed(text));
  if (!reg) return fail_with(g, reg.error().message());
  auto amount = optional_amount(amount_text, "amount");
  if (!amount) return fail_with(g, amount.error().message());
  auto fee = optional_amount(fee_text, "fee");
  if (!fee) return fail_with(g, fee.error().message());
  auto key = open_wallet(g);
  if (!key) return fail_with(g, key.error().message());
  auto sent = WalletClient(g.node).register_node(*key, *reg, *amount, *fee);
  if (!sent) return fail_with(g, sent.error().message());
  if (g.json_out) {
    std::cout << sent_json(*sent, reg->sn_pubkey).dump() << "\n";
  } else {
    std::cout << "registering service node " << to_hex(reg->sn_pubkey) << " with operator stake "
              << sent->amount.to_string() << " (fee " << sent->fee.to_string()
              << ")\ntxid: " << to_hex(sent->txid) << "\n";
  }
  return 0;
}

int cmd_sn_stake(const Globals& g, const std::string& pk_text, const std::string& amount_text,
                 const std::string& fee_text) {
  auto sn = parse_sn_pubkey(pk_text);
  if (!sn) return fail_with(g, sn.error().message());
  auto spec = parse_stake_amount(amount_text);
  if (!spec) return fail_with(g, spec.error().message());
  auto fee = optional_amount(fee_text, "fee");
  if (!fee) return fail_with(g, fee.error().message());
  auto key = open_wallet(g);
  if (!key) return fail_with(g, key.error().message());
  auto sent = WalletClient(g.node).stake(*key, *sn, *spec, *fee);
  if (!sent) return fail_with(g, sent.error().message());
  if (g.json_out) {
    std::cout << sent_json(*sent, *sn).dump() << "\n";
  } else {
    std::cout << "staking " << sent->amount.to_string() << " on service node " << to_hex(*sn)
              << " (fee " << sent->fee.to_string() << ")\ntxid: " << to_hex(sent->txid) << "\n";
  }
  return 0;
}

int cmd_sn_unlock(const Globals& g, const std::string& pk_text, const std::string& fee_text) {
  auto sn = parse_sn_pubkey(pk_text);
  if (!sn) return fail_with(g, sn.error().message());
  auto fee = optional_amount(fee_text, "fee");
  if (!fee) return fail_with(g, fee.error().message());
  auto key = open_wallet(g);
  if (!key) return fail_with(g, key.error().message());
  auto sent = WalletClient(g.node).request_unlock(*key, *sn, *fee);
  if (!sent) return fail_with(g, sent.error().message());
  if (g.json_out) {
    std::cout << sent_json(*sent, *sn).dump() << "\n";
  } else {
    std::cout << "unlock requested for service node " << to_hex(*sn)
              << "\ntxid: " << to_hex(sent->txid)
              << "\nstakes return the unlock delay after this tx is included; `sn status` shows "
                 "the height\n";
  }
  return 0;
}

void print_status(const json& st, const std::string& pk_hex) {
  std::cout << "service node " << pk_hex << "\n  state:        " << text_of(st, "state")
            << "\n  funded:       " << coins_of(st, "total_contributed") << " / "
            << coins_of(st, "staking_requirement") << "\n";
  // operator_fee is in basis points (the record's fee_bps, as get_service_nodes sends it).
  auto fee = u64_field(st, "operator_fee");
  if (!fee) fee = u64_field(st, "fee_bps");
  std::cout << "  operator fee: " << (fee ? format_fee_bps(*fee) : "?") << "\n  contributors:\n";
  if (st.contains("contributors") && st["contributors"].is_array()) {
    for (const auto& c : st["contributors"]) {
      std::cout << "    " << text_of(c, "address") << "  " << coins_of(c, "amount");
      if (auto r = u64_field(c, "reserved"); r && *r != 0)
        std::cout << " (reserved " << Amount(*r).to_string() << ")";
      std::cout << "\n";
    }
  }
  auto swarm_id = u64_field(st, "swarm_id");
  std::cout << "  swarm:        " << (swarm_id ? format_swarm_id(*swarm_id) : text_of(st, "swarm"))
            << "\n  rewards:      " << coins_of(st, "rewards_earned") << "\n  unlock:       ";
  auto unlock = u64_field(st, "requested_unlock_height");
  if (!unlock)
    std::cout << "?\n";
  else if (*unlock == 0)
    std::cout << "not requested\n";
  else
    std::cout << "requested; stakes return at height " << *unlock << "\n";
  std::cout << rpc::liveness_text(st);
  if (auto refused = string_field(st, "stake_refused")) {
    std::cout << "  this wallet:  cannot stake: " << *refused << "\n";
  } else if (st.contains("stake_limits") && st["stake_limits"].is_object()) {
    std::cout << "  this wallet:  may stake " << coins_of(st["stake_limits"], "min") << " to "
              << coins_of(st["stake_limits"], "max") << "\n";
  }
}

int cmd_sn_status(const Globals& g, const std::string& pk_text) {
  auto sn = parse_sn_pubkey(pk_text);
  if (!sn) return fail_with(g, sn.error().message());
  json params{{"pubkey", to_hex(*sn)}};
  // With a wallet at hand, the answer also says what this wallet may stake (no password needed).
  if (auto addr = Keystore::read_address(g.keystore)) params["contributor"] = *addr;
  auto st = WalletClient(g.node).call("get_service_node_status", params);
  if (!st) return fail_with(g, st.error().message());
  if (g.json_out)
    std::cout << st->dump() << "\n";
  else
    print_status(*st, to_hex(*sn));
  return 0;
}

int cmd_stakes(const Globals& g) {
  auto addr = Keystore::read_address(g.keystore);
  if (!addr) return fail_with(g, addr.error().message());
  auto r = WalletClient(g.node).call("get_account", {{"address", *addr}});
  if (!r) return fail_with(g, r.error().message());
  json stakes = r->contains("locked_stakes") && (*r)["locked_stakes"].is_array()
                    ? (*r)["locked_stakes"]
                    : json::array();
  if (g.json_out) {
    std::cout << json{{"address", *addr}, {"locked_stakes", stakes}}.dump() << "\n";
    return 0;
  }
  if (stakes.empty()) {
    std::cout << "no locked stakes\n";
    return 0;
  }
  uint64_t total = 0;
  for (const auto& s : stakes) {
    total += u64_field(s, "amount").value_or(0);
    std::cout << text_of(s, "sn_pubkey") << "  " << text_of(s, "state") << "  "
              << coins_of(s, "amount");
    if (auto res = u64_field(s, "reserved"); res && *res != 0)
      std::cout << " (reserved " << Amount(*res).to_string() << ")";
    if (s.value("operator", false)) std::cout << "  operator";
    if (auto h = u64_field(s, "requested_unlock_height"); h && *h != 0)
      std::cout << "  returns at height " << *h;
    std::cout << "\n";
  }
  std::cout << "total locked: " << Amount(total).to_string() << " in " << stakes.size()
            << " node(s)\n";
  return 0;
}

int cmd_swarm(const Globals& g, const std::string& pk_text) {
  auto pk = normalize_user_pubkey(pk_text);
  if (!pk) return fail_with(g, pk.error().message());
  auto r = WalletClient(g.node).call("get_swarm", {{"pubkey", *pk}});
  if (!r) return fail_with(g, r.error().message());
  if (g.json_out) {
    std::cout << r->dump() << "\n";
    return 0;
  }
  auto id = u64_field(*r, "swarm_id");
  const json snodes =
      r->contains("snodes") && (*r)["snodes"].is_array() ? (*r)["snodes"] : json::array();
  std::cout << "swarm " << (id ? format_swarm_id(*id) : text_of(*r, "swarm")) << " at height "
            << (u64_field(*r, "height") ? std::to_string(*u64_field(*r, "height")) : "?") << ": "
            << snodes.size() << " service node(s)\n";
  for (const auto& n : snodes) {
    std::cout << "  " << text_of(n, "pubkey_ed25519") << "  x25519 "
              << text_of(n, "pubkey_x25519", "-");
    auto https = u64_field(n, "port_https");
    auto omq = u64_field(n, "port_omq");
    if (auto ip = string_field(n, "ip"); ip && https)
      std::cout << "  " << *ip << ":" << *https << " (omq "
                << (omq ? std::to_string(*omq) : "-") << ")";
    else
      std::cout << "  (no uptime proof yet)";
    std::cout << "\n";
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
  // Subcommands (added below, so they inherit this) pass options they don't know up to here:
  // `sn stake <pk> 25% --json` works as well as `--json sn stake <pk> 25%`.
  app.fallthrough();

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

  auto* sn = app.add_subcommand("sn", "Service nodes: register, stake, unlock, status");
  sn->require_subcommand(1);
  auto* sn_register = sn->add_subcommand(
      "register",
      "Register a service node: sn register <registration> (from prepare-registration)");
  std::string reg_text, sn_amount, sn_fee, sn_pubkey;
  sn_register->add_option("registration", reg_text, "The swreg1... text")->required();
  sn_register->add_option("--amount", sn_amount,
                          "Operator stake in coins (default: the operator's reserved spot)");
  sn_register->add_option("--fee", sn_fee, "Fee in coins (default: the node's estimate)");
  auto* sn_stake =
      sn->add_subcommand("stake", "Stake on a service node: sn stake <pubkey> <amount|N%>");
  sn_stake->add_option("pubkey", sn_pubkey, "Service node pubkey (64 hex)")->required();
  sn_stake
      ->add_option("amount", sn_amount,
                   "Coins (e.g. 12.5) or a percentage of the node's requirement (e.g. 25%)")
      ->required();
  sn_stake->add_option("--fee", sn_fee, "Fee in coins (default: the node's estimate)");
  auto* sn_unlock =
      sn->add_subcommand("unlock", "Request the unlock of your stakes in a service node");
  sn_unlock->add_option("pubkey", sn_pubkey, "Service node pubkey (64 hex)")->required();
  sn_unlock->add_option("--fee", sn_fee, "Fee in coins (default: the node's estimate)");
  auto* sn_status = sn->add_subcommand("status", "Show a service node's state and contributors");
  sn_status->add_option("pubkey", sn_pubkey, "Service node pubkey (64 hex)")->required();
  app.add_subcommand("stakes", "List this wallet's locked stakes");
  auto* swarm = app.add_subcommand("swarm", "Show the swarm that holds a user pubkey's messages");
  std::string user_pubkey;
  swarm->add_option("pubkey", user_pubkey, "User pubkey: 64 hex, or 66 with a prefix such as 05")
      ->required();
  SwarmVerifyCli swarm_verify;  // --verify, --local, --genesis, ... (wallet/swarm_cli.h)
  add_swarm_verify_options(swarm, swarm_verify);
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
  if (cmd == "stakes") return cmd_stakes(g);
  if (cmd == "swarm" && swarm_verify.verify)
    return cmd_swarm_verify(g.node, user_pubkey, swarm_verify.options, g.json_out);
  if (cmd == "swarm") return cmd_swarm(g, user_pubkey);
  if (cmd == "sn") {
    const std::string sub = sn->get_subcommands().front()->get_name();
    if (sub == "register") return cmd_sn_register(g, reg_text, sn_amount, sn_fee);
    if (sub == "stake") return cmd_sn_stake(g, sn_pubkey, sn_amount, sn_fee);
    if (sub == "unlock") return cmd_sn_unlock(g, sn_pubkey, sn_fee);
    if (sub == "status") return cmd_sn_status(g, sn_pubkey);
  }
  return fail_with(g, "unknown command " + cmd);
}
