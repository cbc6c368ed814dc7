// swarmchain-wallet: keys in a keystore file, everything else through a node's JSON-RPC.
//
//   swarmchain-wallet create | restore | address | balance | transfer <addr> <amount> | history
//   swarmchain-wallet sn register <registration> [--amount X] [--fee F]
//   swarmchain-wallet sn stake <sn_pubkey> <amount|N%> [--fee F]
//   swarmchain-wallet sn unlock <sn_pubkey> [--fee F]
//   swarmchain-wallet sn status <sn_pubkey>
//   swarmchain-wallet stakes | swarm <pubkey>
//   global: --keystore FILE  --node URL  --password-file FILE  --json
//   transfer and sn register/stake/unlock wait for the tx's block: --no-wait, --timeout S
// Exit codes: 0 done, 1 failed, 2 usage (wallet/cli_args.h).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <ctime>
#include <iostream>

#include "common/address.h"
#include "common/crypto.h"
#include "common/hex.h"
#include "common/private_file.h"
#include "rpc/status_text.h"
#include "wallet/cli_args.h"
#include "wallet/history_view.h"
#include "wallet/keystore.h"
#include "wallet/password.h"
#include "wallet/sn_commands.h"
#include "wallet/tx_wait.h"
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
  return kExitFailure;
}

// A command line the wallet cannot use (nothing was sent): exit code 2.
int usage_error(const Globals& g, const std::string& message) {
  fail_with(g, message);
  return kExitUsage;
}

using SteadyClock = std::chrono::steady_clock;

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
                      {"pending_nonce", acct->pending_nonce}, {"height", acct->height},
                      {"pending_in", acct->pending_in.atomic()},
                      {"pending_in_txs", acct->pending_in_txs},
                      {"pending_out", acct->pending_out.atomic()},
                      {"pending_out_txs", acct->pending_out_txs}}
                     .dump()
              << "\n";
  } else {
    std::cout << "address: " << *addr << "\nbalance: " << acct->balance.to_string()
              << " (at height " << acct->height << ")\n";
    // What the mempool holds, on its own line: not in the balance until a block includes it.
    const std::string pending = pending_summary(acct->pending_in, acct->pending_in_txs,
                                                acct->pending_out, acct->pending_out_txs);
    if (!pending.empty()) std::cout << "pending: " << pending << "\n";
  }
  return 0;
}

int cmd_transfer(const Globals& g, const WaitOptions& wait, const std::string& to,
                 const std::string& amount_text, const std::string& fee_text) {
  auto to_pk = parse_address(to);
  if (!to_pk) return usage_error(g, to_pk.error().message());
  auto amount = parse_amount_arg(amount_text, "amount");
  if (!amount) return usage_error(g, amount.error().message());
  std::optional<Amount> fee;
  if (!fee_text.empty()) {
    auto f = parse_amount_arg(fee_text, "fee");
    if (!f) return usage_error(g, f.error().message());
    fee = *f;
  }
  auto key = open_wallet(g);
  if (!key) return fail_with(g, key.error().message());
  WalletClient w(g.node);
  const auto sent_at = SteadyClock::now();
  auto id = w.transfer(*key, to, *amount, fee);
  if (!id) return fail_with(g, id.error().message());
  return report_sent(w.rpc(), wait, g.json_out,
                     "transfer " + amount->to_string() + " to " + to, *id,
                     json{{"amount", amount->atomic()}, {"to", to}}, sent_at, std::cout,
                     std::cerr);
}

int cmd_history(const Globals& g, uint64_t limit, const std::string& before) {
  auto addr = Keystore::read_address(g.keystore);
  if (!addr) return fail_with(g, addr.error().message());
  json params{{"address", *addr}, {"limit", limit}};
  if (!before.empty()) params["before"] = before;
  auto r = WalletClient(g.node).call("get_account_history", params);
  if (!r) return fail_with(g, r.error().message());
  const json entries = r->contains("history") && (*r)["history"].is_array() ? (*r)["history"]
                                                                              : json::array();
  if (g.json_out) {
    // "transactions": the tx entries alone, the shape of the first wallets' history.
    json out = *r;
    out["transactions"] = json::array();
    for (const auto& e : entries)
      if (string_field(e, "kind") == "tx") out["transactions"].push_back(e);
    std::cout << out.dump() << "\n";
    return 0;
  }
  if (entries.empty()) std::cout << "no transactions yet\n";
  for (const std::string& line : history_lines(entries)) std::cout << line << "\n";
  if (auto next = string_field(*r, "next_before"))
    std::cout << "older entries: history --before " << *next << "\n";
  return 0;
}

// --- service-node commands (design §9); the rules are in wallet/sn_commands.h ---------------

// An optional amount option ("" = not given).
Expected<std::optional<Amount>> optional_amount(const std::string& text, const char* what) {
  if (text.empty()) return std::optional<Amount>();
  auto a = parse_amount_arg(text, what);
  if (!a) return unexpected(a.error());
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

// The --json fields of an sn command that sent a tx (report_sent adds txid and status).
json sent_json(const SentTx& sent, const PubKey& sn) {
  return json{{"amount", sent.amount.atomic()},
              {"amount_text", sent.amount.to_string()},
              {"fee", sent.fee.atomic()},
              {"sn_pubkey", to_hex(sn)}};
}

int cmd_sn_register(const Globals& g, const WaitOptions& wait, const std::string& text,
                    const std::string& amount_text, const std::string& fee_text) {
  auto reg = Registration::from_text(trimmed(text));
  if (!reg) return usage_error(g, reg.error().message());
  auto amount = optional_amount(amount_text, "amount");
  if (!amount) return usage_error(g, amount.error().message());
  auto fee = optional_amount(fee_text, "fee");
  if (!fee) return usage_error(g, fee.error().message());
  auto key = open_wallet(g);
  if (!key) return fail_with(g, key.error().message());
  const WalletClient w(g.node);
  const auto sent_at = SteadyClock::now();
  auto sent = w.register_node(*key, *reg, *amount, *fee);
  if (!sent) return fail_with(g, sent.error().message());
  return report_sent(w.rpc(), wait, g.json_out,
                     "registering service node " + to_hex(reg->sn_pubkey) +
                         " with operator stake " + sent->amount.to_string() + " (fee " +
                         sent->fee.to_string() + ")",
                     sent->txid, sent_json(*sent, reg->sn_pubkey), sent_at, std::cout, std::cerr);
}

int cmd_sn_stake(const Globals& g, const WaitOptions& wait, const std::string& pk_text,
                 const std::string& amount_text, const std::string& fee_text) {
  auto sn = parse_sn_pubkey(pk_text);
  if (!sn) return usage_error(g, sn.error().message());
  auto spec = parse_stake_amount(amount_text);
  if (!spec) return usage_error(g, spec.error().message());
  auto fee = optional_amount(fee_text, "fee");
  if (!fee) return usage_error(g, fee.error().message());
  auto key = open_wallet(g);
  if (!key) return fail_with(g, key.error().message());
  const WalletClient w(g.node);
  const auto sent_at = SteadyClock::now();
  auto sent = w.stake(*key, *sn, *spec, *fee);
  if (!sent) return fail_with(g, sent.error().message());
  return report_sent(w.rpc(), wait, g.json_out,
                     "staking " + sent->amount.to_string() + " on service node " + to_hex(*sn) +
                         " (fee " + sent->fee.to_string() + ")",
                     sent->txid, sent_json(*sent, *sn), sent_at, std::cout, std::cerr);
}

int cmd_sn_unlock(const Globals& g, const WaitOptions& wait, const std::string& pk_text,
                  const std::string& fee_text) {
  auto sn = parse_sn_pubkey(pk_text);
  if (!sn) return usage_error(g, sn.error().message());
  auto fee = optional_amount(fee_text, "fee");
  if (!fee) return usage_error(g, fee.error().message());
  auto key = open_wallet(g);
  if (!key) return fail_with(g, key.error().message());
  const WalletClient w(g.node);
  const auto sent_at = SteadyClock::now();
  auto sent = w.request_unlock(*key, *sn, *fee);
  if (!sent) return fail_with(g, sent.error().message());
  const int rc = report_sent(w.rpc(), wait, g.json_out,
                             "unlock requested for service node " + to_hex(*sn), sent->txid,
                             sent_json(*sent, *sn), sent_at, std::cout, std::cerr);
  if (rc == kExitOk && !g.json_out)
    std::cout << "stakes return the unlock delay after this tx's block; `sn status` shows the "
                 "height\n";
  return rc;
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
  std::cout << "  swarm:        " << rpc::swarm_text(st)
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
  if (!sn) return usage_error(g, sn.error().message());
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
    // Compared, not converted: GCC 12 sees a null dereference in json::value<bool> here.
    if (auto op = s.find("operator"); op != s.end() && *op == true) std::cout << "  operator";
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
  if (!pk) return usage_error(g, pk.error().message());
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
    if (auto ip = string_field(n, "ip"); ip && https && *https != 0)
      std::cout << "  " << *ip << ":" << *https << " (omq "
                << (omq ? std::to_string(*omq) : "-") << ")";
    else
      std::cout << "  (no contact data: no uptime proof yet, or no storage server announced)";
    std::cout << "\n";
  }
  return 0;
}

// --- command-line errors (wallet/cli_args.h) -----------------------------------------------

// After a failed parse: the first word where a command is expected that names none ("blance",
// "sn stak"), as "unknown command ... (did you mean ...?)". Options are skipped with their
// values, as CLI11 knows them (a subcommand's options include its parents', by fallthrough).
std::optional<std::string> unknown_command(CLI::App& app, const std::vector<std::string>& args) {
  CLI::App* level = &app;
  std::string parent;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") return std::nullopt;
    if (a.size() > 1 && a[0] == '-') {
      if (a.find('=') != std::string::npos) continue;
      for (CLI::App* at = level; at != nullptr; at = at->get_parent()) {
        if (const CLI::Option* o = at->get_option_no_throw(a)) {
          if (o->get_items_expected_min() > 0) ++i;  // its value (a flag takes none)
          break;
        }
      }
      continue;
    }
    const auto subs = level->get_subcommands([](CLI::App*) { return true; });
    if (subs.empty()) return std::nullopt;  // a command's own argument
    CLI::App* next = nullptr;
    std::vector<std::string> names;
    for (CLI::App* sc : subs) {
      names.push_back(sc->get_name());
      if (sc->check_name(a)) next = sc;
    }
    if (next == nullptr) return unknown_command_message(a, parent, names);
    parent = parent.empty() ? a : parent + " " + a;
    level = next;
  }
  return std::nullopt;
}

// --no-wait and --timeout of the commands that send a tx (wallet/tx_wait.h).
void add_wait_options(CLI::App* cmd, WaitOptions& wait, uint64_t& timeout_s) {
  cmd->add_flag("--no-wait", wait.no_wait,
                "Return once the node accepted the transaction, without waiting for its block");
  cmd->add_option("--timeout", timeout_s, "Seconds to wait for the transaction's block")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, uint64_t{3600}));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"swarmchain-wallet: keys, transfers and stakes on a swarmchain node"};
  app.footer(
      "transfer and sn register/stake/unlock wait until the transaction is in a block (final) "
      "and print its height; --no-wait returns once the node accepted it.\n"
      "Exit codes: 0 done; 1 failed (the node refused or is unreachable, wrong password, "
      "insufficient funds, not committed within --timeout); 2 usage (unknown command or "
      "option, missing or malformed argument; nothing was sent).");
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
  WaitOptions wait;
  uint64_t timeout_s = 30;
  add_wait_options(transfer, wait, timeout_s);
  auto* history = app.add_subcommand(
      "history", "List this wallet's transactions, rewards and returned stakes, newest first");
  uint64_t limit = 50;
  std::string before;
  history->add_option("--limit", limit, "How many")->capture_default_str()->check(CLI::Range(1, 1000));
  history->add_option("--before", before, "Only entries older than this cursor (printed at the "
                                          "end of a full page)");

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
  add_wait_options(sn_register, wait, timeout_s);
  auto* sn_stake =
      sn->add_subcommand("stake", "Stake on a service node: sn stake <pubkey> <amount|N%>");
  sn_stake->add_option("pubkey", sn_pubkey, "Service node pubkey (64 hex)")->required();
  sn_stake
      ->add_option("amount", sn_amount,
                   "Coins (e.g. 12.5) or a percentage of the node's requirement (e.g. 25%)")
      ->required();
  sn_stake->add_option("--fee", sn_fee, "Fee in coins (default: the node's estimate)");
  add_wait_options(sn_stake, wait, timeout_s);
  auto* sn_unlock =
      sn->add_subcommand("unlock", "Request the unlock of your stakes in a service node");
  sn_unlock->add_option("pubkey", sn_pubkey, "Service node pubkey (64 hex)")->required();
  sn_unlock->add_option("--fee", sn_fee, "Fee in coins (default: the node's estimate)");
  add_wait_options(sn_unlock, wait, timeout_s);
  auto* sn_status = sn->add_subcommand("status", "Show a service node's state and contributors");
  sn_status->add_option("pubkey", sn_pubkey, "Service node pubkey (64 hex)")->required();
  app.add_subcommand("stakes", "List this wallet's locked stakes");
  auto* swarm = app.add_subcommand("swarm", "Show the swarm that holds a user pubkey's messages");
  std::string user_pubkey;
  swarm->add_option("pubkey", user_pubkey, "User pubkey: 64 hex, or 66 with a prefix such as 05")
      ->required();
  SwarmVerifyCli swarm_verify;  // --verify, --local, --genesis, ... (wallet/swarm_cli.h)
  add_swarm_verify_options(swarm, swarm_verify);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
    if (auto msg = unknown_command(app, std::vector<std::string>(argv + 1, argv + argc)))
      return usage_error(g, *msg);
    return usage_error(g, std::string(e.what()) + " (see --help)");
  }
  wait.timeout = std::chrono::seconds(timeout_s);

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
  if (cmd == "transfer") return cmd_transfer(g, wait, to, amount, fee);
  if (cmd == "history") return cmd_history(g, limit, before);
  if (cmd == "stakes") return cmd_stakes(g);
  if (cmd == "swarm" && swarm_verify.verify)
    return cmd_swarm_verify(g.node, user_pubkey, swarm_verify.options, g.json_out);
  if (cmd == "swarm") return cmd_swarm(g, user_pubkey);
  if (cmd == "sn") {
    const std::string sub = sn->get_subcommands().front()->get_name();
    if (sub == "register") return cmd_sn_register(g, wait, reg_text, sn_amount, sn_fee);
    if (sub == "stake") return cmd_sn_stake(g, wait, sn_pubkey, sn_amount, sn_fee);
    if (sub == "unlock") return cmd_sn_unlock(g, wait, sn_pubkey, sn_fee);
    if (sub == "status") return cmd_sn_status(g, sn_pubkey);
  }
  return usage_error(g, "unknown command " + cmd);
}
