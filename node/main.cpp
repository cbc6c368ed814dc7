// swarmchaind: the swarmchain node.
//
//   swarmchaind --dev                       one-node devnet in ./swarmchain-dev/
//   swarmchaind --datadir D --genesis G     a node of the chain G, data in D
//                --peer host:port ...       p2p seeds (p2p listens on --p2p-bind, 0.0.0.0:22022)
//   swarmchaind testnet --nodes N --dir D   the files of a local N-validator net (testnet_cmd.h)
//   swarmchaind keygen --datadir D          create D/node_key and print its public key
//   swarmchaind prepare-registration ...    sign a registration with the node key (registration_cmd.h)
//   swarmchaind status [--node URL]         where this node's record stands, and why (status_cmd.h)
//   swarmchaind replay --datadir D          check a stopped node's store by replaying it (replay_cmd.h)
#include <signal.h>
#include <unistd.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <cstdio>
#include <iostream>
#include <optional>
#include <vector>

#include "common/clock.h"
#include "common/crypto.h"
#include "common/did_you_mean.h"
#include "common/hex.h"
#include "common/host_port.h"
#include "common/private_file.h"
#include "node/datadir_lock.h"
#include "node/dev_setup.h"
#include "node/node.h"
#include "node/node_key.h"
#include "node/port_probe.h"
#include "node/registration_cmd.h"
#include "node/replay_cmd.h"
#include "node/status_cmd.h"
#include "node/testnet_cmd.h"

using namespace swarmchain;

namespace {

// Exit codes (docs/operator.md "Exit codes"): 2 when the command line is wrong, 1 when the
// command could not do what it was asked, 0 otherwise.
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// A CLI11 parse error as a usage error (exit 2); --help and --version exit 0. A word that is not
// a command ("blance") is named with the closest command.
int usage_error(CLI::App& app, const CLI::ParseError& e) {
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    const std::vector<std::string> extras = app.remaining();
    if (!extras.empty() && !extras.front().empty() && extras.front().front() != '-') {
      std::vector<std::string> commands;
      for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
        commands.push_back(sub->get_name());
      std::cerr << "error: " << unknown_command_message(extras.front(), commands)
                << "; run swarmchaind --help for the commands\n";
      return kExitUsage;
    }
  }
  const int code = app.exit(e);
  return code == 0 ? 0 : kExitUsage;
}

// host:port of a flag into `host` and `port`; prints the error and returns false when bad.
bool parse_flag_address(const std::string& text, const char* flag, std::string& host,
                        uint16_t& port) {
  auto hp = parse_host_port(text, flag);
  if (!hp) {
    std::cerr << "error: " << hp.error().message() << "\n";
    return false;
  }
  host = hp->host;
  port = hp->port;
  return true;
}

// Dotted IPv4 to host order; nullopt if it is not one.
std::optional<uint32_t> parse_ipv4(const std::string& text) {
  uint32_t out = 0;
  int parts = 0;
  std::size_t i = 0;
  while (parts < 4) {
    std::size_t start = i;
    uint32_t v = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 3)
      v = v * 10 + uint32_t(text[i++] - '0');
    if (i == start || v > 255) return std::nullopt;
    out = (out << 8) | v;
    ++parts;
    if (parts < 4) {
      if (i >= text.size() || text[i] != '.') return std::nullopt;
      ++i;
    }
  }
  if (i != text.size()) return std::nullopt;
  return out;
}

int run_testnet(const TestnetOptions& o, int print_args) {
  if (print_args >= 0) {  // devnet.sh's restarts: the arguments of one node, one per line
    if (std::size_t(print_args) >= o.nodes) {
      std::cerr << "error: --print-args " << print_args << " but --nodes " << o.nodes << "\n";
      return 2;
    }
    for (const auto& a : testnet_node_args(o, std::size_t(print_args))) std::cout << a << "\n";
    return 0;
  }
  auto net = create_testnet(o, SystemClock().now_ms());
  if (!net) {
    std::cerr << "error: " << net.error().message() << "\n";
    return 1;
  }
  std::cout << "testnet of " << net->nodes.size() << " validators in "
            << std::filesystem::absolute(o.dir).string() << "\n"
            << "genesis:             " << net->genesis_path.string() << "\n"
            << "dev wallet keystore: " << net->wallet_path.string() << " (password "
            << kDevPassword << ")\n"
            << "dev wallet address:  " << net->wallet_address << "\n\n"
            << "start each node (or run scripts/devnet.sh start " << net->nodes.size()
            << " --dir " << o.dir.string() << "):\n";
  for (std::size_t i = 0; i < net->nodes.size(); ++i) {
    std::cout << "  # node " << i << ", key " << net->nodes[i].pubkey << "\n  swarmchaind";
    for (const auto& a : net->nodes[i].args) std::cout << " " << a;
    std::cout << "\n";
  }
  return 0;
}

int run_keygen(const std::filesystem::path& datadir) {
  if (Status s = create_private_dir(datadir, "datadir"); !s) {
    std::cerr << "error: " << s.message() << "\n";
    return 1;
  }
  auto kp = create_node_key(datadir / "node_key");
  if (!kp) {
    std::cerr << "error: " << kp.error().message() << "\n";
    return 1;
  }
  std::cout << "node key written to " << (datadir / "node_key").string() << " (mode 0600)\n"
            << "public key: " << to_hex(kp->pubkey()) << "\n";
  return 0;
}

// --dev's setup and what it prints: where the devnet, the dev wallet and the dev accounts are,
// and their password; a progress line while dev-account keystores are made.
bool run_dev_setup(const std::filesystem::path& datadir, std::size_t dev_accounts) {
  namespace fs = std::filesystem;
  const std::size_t step = std::max<std::size_t>(1, dev_accounts / 10);
  bool announced = false;
  auto progress = [&](std::size_t done, std::size_t total) {
    if (!announced)
      std::cout << "creating " << total << " dev account keystores in "
                << fs::absolute(datadir / "dev-accounts").string() << " ..." << std::endl;
    announced = true;
    if (done % step == 0 || done == total)
      std::cout << "  " << done << "/" << total << " dev accounts" << std::endl;
  };
  auto setup = ensure_dev_datadir(datadir, dev_accounts, SystemClock().now_ms(), progress);
  if (!setup) {
    std::cerr << "error: " << setup.error().message() << "\n";
    return false;
  }
  if (!setup->note.empty()) std::cout << "note: " << setup->note << "\n";
  std::cout << (setup->created ? "created" : "using") << " devnet in "
            << fs::absolute(datadir).string() << "\n"
            << "dev wallet keystore: " << fs::absolute(setup->wallet_path).string() << "\n"
            << "dev wallet password: " << setup->password << "\n"
            << "dev wallet address:  " << setup->wallet_address << "\n";
  if (setup->accounts > 0)
    std::cout << "dev accounts:        " << setup->accounts << " keystores, "
              << fs::absolute(setup->accounts_dir / dev_account_file(1)).string()
              << (setup->accounts > 1 ? " .. " + dev_account_file(setup->accounts) : "")
              << " (password " << setup->password << ")\n";
  if (!setup->accounts_ignored.empty()) std::cout << "note: " << setup->accounts_ignored << "\n";
  std::cout << std::flush;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"swarmchaind: swarmchain node (service-node registry chain)"};
  app.set_version_flag("--version", "swarmchaind 0.1.0");
  bool dev = false;
  std::string datadir, genesis, rpc_bind = "127.0.0.1:22023", log_level = "info";
  std::size_t dev_accounts = 0, rpc_threads = 2;
  int verify_nice = NodeConfig{}.verify_nice;
  app.add_flag("--dev", dev, "Run a one-node devnet (data in ./swarmchain-dev unless --datadir)");
  app.add_option("--datadir", datadir, "Data directory (chain store, node key)");
  app.add_option("--genesis", genesis, "Genesis file (default: <datadir>/genesis.json)");
  auto* rpc_bind_opt = app.add_option("--rpc-bind", rpc_bind, "JSON-RPC listen address host:port")
      ->capture_default_str();
  bool rpc_public = false;
  std::vector<std::string> rpc_allow_hosts;
  double rpc_rate = NodeConfig{}.rpc_rate_per_s;
  app.add_flag("--rpc-public", rpc_public,
               "Serve RPC to other machines (binds 0.0.0.0:22023 unless --rpc-bind); admin methods "
               "stay local");
  app.add_option("--rpc-allow-host", rpc_allow_hosts,
                 "A Host name the RPC answers besides IP addresses and localhost (repeatable; '*': any)");
  app.add_option("--rpc-rate-limit", rpc_rate,
                 "RPC requests per second per client address (loopback exempt; 0: no limit)")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
  app.add_option("--rpc-threads", rpc_threads, "RPC threads (each serves any number of connections)")->capture_default_str();
  app.add_option("--verify-nice", verify_nice,
                 "Nice levels below the node's own that its signature-verify pool threads run"
                 " (0: the same priority)")
      ->capture_default_str()->check(CLI::Range(0, 19));
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error")->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  app.add_option("--dev-accounts", dev_accounts,
                 "With --dev, on first start: N more funded dev keystores in <datadir>/dev-accounts")
      ->check(CLI::Range(0, 10000));
  uint64_t min_free_disk_mb = NodeConfig{}.min_free_disk_bytes >> 20;
  app.add_option("--min-free-disk-mb", min_free_disk_mb,
                 "Stop (exit 1) rather than write a block while the datadir's disk has less free "
                 "space than this, in MiB (0: no check)")
      ->capture_default_str();
  std::string p2p_bind, public_ip;
  uint16_t storage_port = 0, storage_lmq_port = 0;
  std::vector<std::string> peers;
  app.add_option("--p2p-bind", p2p_bind,
                 "p2p listen address host:port (default 0.0.0.0:22022; with --dev, p2p is off "
                 "unless this is given)");
  // A callback per value (see --reserve below for why not a vector).
  app.add_option_function<std::string>(
         "--peer", [&peers](const std::string& v) { peers.push_back(v); },
         "A peer to connect to, host:port (repeatable)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->trigger_on_parse();
  app.add_option("--public-ip", public_ip,
                 "The IPv4 address this node's uptime proofs announce (clients reach its storage "
                 "server there)");
  app.add_option("--storage-port", storage_port, "The storage server's HTTPS port it announces");
  app.add_option("--storage-lmq-port", storage_lmq_port,
                 "The storage server's OxenMQ port it announces");

  auto* testnet = app.add_subcommand(
      "testnet", "Write the genesis, keys and dev wallet of a local N-validator net, and print "
                 "how to start each node");
  TestnetOptions tn;
  int print_args = -1;
  std::string tn_dir = tn.dir.string();
  testnet->add_option("--nodes", tn.nodes, "Number of validators")->capture_default_str()
      ->check(CLI::Range(1, 100));
  testnet->add_option("--dir", tn_dir, "Directory of the net")->capture_default_str();
  testnet->add_option("--ip", tn.ip, "The address every node binds and announces")
      ->capture_default_str();
  testnet->add_option("--rpc-base-port", tn.rpc_base_port, "Node i serves RPC on this + i")
      ->capture_default_str();
  testnet->add_option("--p2p-base-port", tn.p2p_base_port, "Node i listens for p2p on this + i")
      ->capture_default_str();
  testnet->add_option("--storage-base-port", tn.storage_base_port,
                      "Node i announces storage port this + i and OxenMQ port this + 100 + i")
      ->capture_default_str();
  testnet->add_option("--print-args", print_args,
                      "Print node I's swarmchaind arguments, one per line, and write nothing");

  auto* keygen = app.add_subcommand("keygen", "Create <datadir>/node_key and print its public key");
  std::string keygen_dir;
  keygen->add_option("--datadir", keygen_dir, "Where to write node_key")->required();
  auto* prep = app.add_subcommand(
      "prepare-registration",
      "Sign a service-node registration with this node's key; prints one swreg1… string for "
      "`swarmchain-wallet sn register`");
  PrepareRegistrationOptions reg;
  std::string reg_datadir = "swarmchain-dev";
  prep->add_option("--datadir", reg_datadir, "The node's data directory (holds node_key)")
      ->capture_default_str();
  prep->add_option("--operator", reg.operator_address, "The operator's wallet address (sw1…)")
      ->required();
  prep->add_option("--operator-stake", reg.operator_stake,
                   "Coins the operator stakes (default: all that the reserved spots leave)");
  prep->add_option("--fee", reg.fee, "Operator fee, e.g. 5% or 2.5%")->capture_default_str();
  // A callback per value: binding a std::vector<std::string> directly trips GCC 12's
  // -Wnull-dereference inside CLI11's inlined vector code (a false positive).
  prep->add_option_function<std::string>(
          "--reserve", [&reg](const std::string& v) { reg.reserve.push_back(v); },
          "Reserve a spot: ADDRESS:AMOUNT (repeatable)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->trigger_on_parse();
  prep->add_option("--expiry-blocks", reg.expiry_blocks,
                   "The registration expires this many blocks from now")
      ->capture_default_str();
  prep->add_option("--node", reg.node_url, "The node's JSON-RPC URL")->capture_default_str();
  auto* status = app.add_subcommand(
      "status", "Ask the running node where its service-node record stands: state, credit, "
                "proof age, what happens if it stays down, and why");
  StatusOptions st;
  std::string st_datadir;
  status->add_option("--node", st.node_url, "The node's JSON-RPC URL")->capture_default_str();
  status->add_option("--datadir", st_datadir,
                     "Ask about the key in <datadir>/node_key (default: the node's own key)");
  status->add_flag("--json", st.json, "Print the node's JSON answer");
  auto* replay = app.add_subcommand(
      "replay", "Check a stopped node's chain store: replay every block from the genesis in "
                "memory and compare the tip and state roots; read the sign state");
  ReplayOptions rp;
  std::string rp_datadir, rp_genesis;
  replay->add_option("--datadir", rp_datadir, "The node's data directory")->required();
  replay->add_option("--genesis", rp_genesis, "Genesis file (default: <datadir>/genesis.json)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return usage_error(app, e);
  }

  if (!crypto_init()) {
    std::cerr << "error: libsodium failed to initialise\n";
    return 1;
  }
  if (*keygen) return run_keygen(keygen_dir);
  if (*testnet) {
    tn.dir = tn_dir;
    return run_testnet(tn, print_args);
  }
  if (*prep) {
    reg.datadir = reg_datadir;
    return run_prepare_registration(reg);
  }
  if (*replay) {
    // A running node's store must not be read under it: the same lock as the node's.
    std::optional<DatadirLock> held;
    std::error_code ec;
    if (std::filesystem::is_directory(rp_datadir, ec)) {
      auto l = DatadirLock::acquire(rp_datadir);
      if (!l) {
        std::cerr << "error: " << l.error().message() << "\n";
        return kExitFailure;
      }
      held.emplace(std::move(*l));
    }
    rp.datadir = rp_datadir;
    rp.genesis = rp_genesis;
    return run_replay(rp);
  }
  if (*status) {
    if (!st_datadir.empty()) st.datadir = st_datadir;
    return run_status(st);
  }

  auto logger = spdlog::stdout_color_mt("swarmchaind");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(log_level));
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");

  NodeConfig cfg;
  if (rpc_public && rpc_bind_opt->count() == 0) rpc_bind = "0.0.0.0:22023";
  cfg.rpc_public = rpc_public;
  cfg.rpc_allow_hosts = rpc_allow_hosts;
  cfg.rpc_rate_per_s = rpc_rate;
  if (!parse_flag_address(rpc_bind, "--rpc-bind", cfg.rpc_host, cfg.rpc_port)) return kExitUsage;
  cfg.rpc_threads = rpc_threads;
  cfg.min_free_disk_bytes = min_free_disk_mb << 20;
  cfg.verify_nice = verify_nice;
  cfg.p2p_enabled = !dev || !p2p_bind.empty();
  if (!p2p_bind.empty() && !parse_flag_address(p2p_bind, "--p2p-bind", cfg.p2p_host, cfg.p2p_port))
    return kExitUsage;
  for (const auto& p : peers) {
    std::string host;
    uint16_t port = 0;
    if (!parse_flag_address(p, "--peer", host, port)) return kExitUsage;
    if (port == 0) {
      std::cerr << "error: --peer " << p << ": port 0 cannot be dialled\n";
      return kExitUsage;
    }
  }
  if (!peers.empty() && !cfg.p2p_enabled) {
    std::cerr << "error: --peer needs p2p: with --dev, also give --p2p-bind\n";
    return kExitUsage;
  }
  cfg.peers = peers;
  if (!public_ip.empty()) {
    auto ip = parse_ipv4(public_ip);
    if (!ip) {
      std::cerr << "error: --public-ip must be a dotted IPv4 address, got \"" << public_ip
                << "\"\n";
      return kExitUsage;
    }
    cfg.contact.public_ip = *ip;
  }
  cfg.contact.storage_port = storage_port;
  cfg.contact.storage_lmq_port = storage_lmq_port;
  if (!dev && datadir.empty()) {
    std::cerr << "error: --datadir is required (or use --dev for a one-node devnet)\n";
    return kExitUsage;
  }
  cfg.datadir = dev && datadir.empty() ? "swarmchain-dev" : datadir;
  if (!dev) cfg.genesis_path = genesis;

  // Before anything is printed or written: the datadir is ours (another node's would fail
  // later, after a banner, in RocksDB's words) and the ports are free (so --dev does not leave
  // a devnet it cannot run). A datadir that does not exist yet is locked once made.
  std::optional<DatadirLock> lock;
  std::error_code ec;
  auto take_lock = [&]() -> bool {
    auto l = DatadirLock::acquire(cfg.datadir);
    if (!l) {
      std::cerr << "error: " << l.error().message() << "\n";
      return false;
    }
    lock.emplace(std::move(*l));
    return true;
  };
  if (std::filesystem::exists(cfg.datadir, ec)) {
    // Whose it is and its mode first: a lock file must not be made in someone else's datadir.
    if (Status s = check_private_dir(cfg.datadir, "datadir"); !s) {
      std::cerr << "error: " << s.message() << "\n";
      return kExitFailure;
    }
    if (!take_lock()) return kExitFailure;
  }
  Status ports = check_listen_address(cfg.rpc_host, cfg.rpc_port, "--rpc-bind");
  if (ports && cfg.p2p_enabled && cfg.p2p_port != 0)
    ports = check_listen_address(cfg.p2p_host, cfg.p2p_port, "--p2p-bind");
  if (!ports) {
    std::cerr << "error: " << ports.message() << "\n";
    return kExitFailure;
  }
  if (dev) {
    if (!lock) {
      if (Status s = create_private_dir(cfg.datadir, "dev datadir"); !s) {
        std::cerr << "error: " << s.message() << "\n";
        return kExitFailure;
      }
      if (!take_lock()) return kExitFailure;
    }
    if (!run_dev_setup(cfg.datadir, dev_accounts)) return kExitFailure;
    if (!genesis.empty()) std::cerr << "note: --genesis is ignored with --dev\n";
  }
  // Without --dev, a datadir that does not exist is refused by Node::open, saying how to make it.

  // Block the stop signals in every thread; the main thread waits for them below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  // The node's disk failed (NodeConfig::on_fatal, on the loop thread): wake the wait below
  // as a stop signal would, and exit 1 after a clean stop.
  static std::atomic<bool> fatal{false};
  cfg.on_fatal = [](const std::string&) {
    fatal = true;
    kill(getpid(), SIGTERM);
  };
  auto node = Node::open(cfg);
  if (!node) {
    spdlog::error("{}", node.error().message());
    return kExitFailure;
  }
  if (Status s = (*node)->start(); !s) {
    spdlog::error("{}", s.message());
    return kExitFailure;
  }
  int sig = 0;
  sigwait(&stop_signals, &sig);
  if (!fatal) spdlog::info("received {}, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
  (*node)->stop();
  const ChainTip tip = (*node)->chain().tip();  // nothing commits after stop()
  node->reset();  // closes the chain store
  if (fatal) {
    spdlog::error("stopped: the node's disk failed (see above); exit code 1");
    return kExitFailure;
  }
  // Empty blocks are logged at debug: this line says where the chain stopped.
  spdlog::info("stopped cleanly at height {} hash {}", tip.header.height.value, to_hex(tip.hash));
  return 0;
}
