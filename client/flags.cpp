// Flag parsing by hand, on purpose: users of the Go tool type pflag syntax
// (`-p443`, `--port=0x1BB`, leading-0 octal, `--ipv6=false`, flags after the
// target) and see pflag's messages; CLI11 parses differently (base-10 ints,
// its own error texts), so it serves the daemon's flags instead.
#include "client/flags.hpp"

#include <functional>
#include <optional>
#include <sstream>

#include "client/go_int.hpp"

namespace ddtr::client {
namespace {

enum class FlagType { Bool, Int, String };

struct FlagSpec {
  const char* name;
  char shorthand;  // 0: none
  FlagType type;
  const char* default_text;  // "" for a string flag: no "(default ...)" in the help
  const char* help;
  std::function<void(ClientOptions&, const std::string& value, const std::string& shown_name)> apply;
};

// Built with append(): GCC 12 at -O3 warns falsely (-Wrestrict) on chains of
// operator+ that start from a single char.
std::string shown(const FlagSpec& f) {
  std::string s;
  if (f.shorthand) {
    s.append("-");
    s.push_back(f.shorthand);
    s.append(", ");
  }
  s.append("--");
  s.append(f.name);
  return s;
}

int to_int(const std::string& value, const std::string& names) {
  auto r = parse_go_int(value, 64);
  if (r.error != GoIntError::None) throw FlagError(go_int_flag_error(value, names, r.error));
  if (r.value < INT32_MIN || r.value > INT32_MAX) {
    throw FlagError("invalid argument \"" + value + "\" for \"" + names + "\" flag: value out of range");
  }
  return static_cast<int>(r.value);
}

bool to_bool(const std::string& value, const std::string& names) {
  for (const char* t : {"1", "t", "T", "TRUE", "true", "True"}) {
    if (value == t) return true;
  }
  for (const char* f : {"0", "f", "F", "FALSE", "false", "False"}) {
    if (value == f) return false;
  }
  throw FlagError("invalid argument \"" + value + "\" for \"" + names + "\" flag: strconv.ParseBool: parsing \"" +
                  value + "\": invalid syntax");
}

OutputFormat to_format(const std::string& value) {
  if (value == "json") return OutputFormat::Json;
  if (value == "table") return OutputFormat::Table;
  if (value == "text") return OutputFormat::Text;
  if (value == "jsonl") return OutputFormat::Jsonl;
  throw FlagError("invalid value \"" + value + "\" for --format: must be json, table, text or jsonl");
}

// Go's duration forms that matter here ("1s", "500ms", "1.5s", "2m"); a bare
// number is seconds, as mtr's -i.
std::chrono::milliseconds to_interval(const std::string& value) {
  std::size_t end = 0;
  double number = 0;
  try {
    number = std::stod(value, &end);
  } catch (const std::exception&) {
    end = 0;
  }
  const std::string unit = value.substr(end);
  double scale = unit.empty() || unit == "s" ? 1000 : unit == "ms" ? 1 : unit == "m" ? 60000 : -1;
  if (end == 0 || scale < 0 || !(number >= 0) || number * scale > 3'600'000) {
    throw FlagError("invalid value \"" + value + "\" for --interval: a duration from 0 to 1h such as 1s, 500ms, 2m");
  }
  return std::chrono::milliseconds(static_cast<long long>(number * scale + 0.5));
}

const std::vector<FlagSpec>& flag_specs() {
  static const std::vector<FlagSpec> specs = {
      {"proto", 'P', FlagType::String, "udp", "Protocol to use (udp, tcp, icmp)",
       [](ClientOptions& o, const std::string& v, const std::string&) { o.params.protocol = v; }},
      {"port", 'p', FlagType::Int, "33434", "Destination port",
       [](ClientOptions& o, const std::string& v, const std::string& n) { o.params.port = to_int(v, n); }},
      {"traceroute-queries", 'q', FlagType::Int, "3", "Number of traceroute queries",
       [](ClientOptions& o, const std::string& v, const std::string& n) {
         o.params.traceroute_queries = to_int(v, n);
       }},
      {"max-ttl", 'm', FlagType::Int, "30", "Maximum TTL",
       [](ClientOptions& o, const std::string& v, const std::string& n) { o.params.max_ttl = to_int(v, n); }},
      {"verbose", 'v', FlagType::Bool, "false", "verbose (the request and every hop on stderr)",
       [](ClientOptions& o, const std::string& v, const std::string& n) { o.verbose = to_bool(v, n); }},
      {"tcp-method", 0, FlagType::String, "syn", "Method used to run TCP (syn, sack, prefer_sack, syn_socket)",
       [](ClientOptions& o, const std::string& v, const std::string&) { o.params.tcp_method = v; }},
      {"ipv6", 0, FlagType::Bool, "false", "IPv6 (accept an IPv6 answer when resolving a host name)",
       [](ClientOptions& o, const std::string& v, const std::string& n) { o.params.want_v6 = to_bool(v, n); }},
      {"timeout", 0, FlagType::Int, "3000", "Timeout (ms)",
       [](ClientOptions& o, const std::string& v, const std::string& n) { o.params.timeout_ms = to_int(v, n); }},
      {"reverse-dns", 0, FlagType::Bool, "false", "Enrich IPs with Reverse DNS names",
       [](ClientOptions& o, const std::string& v, const std::string& n) { o.params.reverse_dns = to_bool(v, n); }},
      {"source-public-ip", 0, FlagType::Bool, "false", "Enrich with Source Public IP",
       [](ClientOptions& o, const std::string& v, const std::string& n) {
         o.params.collect_source_public_ip = to_bool(v, n);
       }},
      {"e2e-queries", 'Q', FlagType::Int, "50", "Number of e2e probes queries",
       [](ClientOptions& o, const std::string& v, const std::string& n) {
         o.params.e2e_queries = to_int(v, n);
         o.e2e_queries_given = true;
       }},
      {"windows-driver", 0, FlagType::Bool, "false", "Use Windows driver for traceroute (Windows only; ignored elsewhere)",
       [](ClientOptions& o, const std::string& v, const std::string& n) {
         o.params.use_windows_driver = to_bool(v, n);
       }},
      {"skip-private-hops", 0, FlagType::Bool, "false", "Skip private hops (RFC 1918, fc00::/7)",
       [](ClientOptions& o, const std::string& v, const std::string& n) {
         o.params.skip_private_hops = to_bool(v, n);
       }},
      {"format", 0, FlagType::String, "",
       "Output format: json, table, text, or jsonl with --watch/--report-cycles (default: table when stdout is a "
       "terminal, else json)",
       [](ClientOptions& o, const std::string& v, const std::string&) { o.format = to_format(v); }},
      {"no-color", 0, FlagType::Bool, "false", "No colours in the table (also when $NO_COLOR is set)",
       [](ClientOptions& o, const std::string& v, const std::string& n) { o.no_color = to_bool(v, n); }},
      {"targets-file", 0, FlagType::String, "",
       "Trace every target in FILE too (one per line, # comments): several targets print JSON Lines",
       [](ClientOptions& o, const std::string& v, const std::string&) { o.targets_file = v; }},
      {"parallel", 0, FlagType::Int, "16", "With several targets, how many traces are in flight at once",
       [](ClientOptions& o, const std::string& v, const std::string& n) { o.parallel = to_int(v, n); }},
      {"watch", 0, FlagType::Bool, "false",
       "Keep tracing (mtr mode): per-hop loss and RTT statistics across rounds, until q or Ctrl-C",
       [](ClientOptions& o, const std::string& v, const std::string& n) { o.watch = to_bool(v, n); }},
      {"interval", 0, FlagType::String, "1s", "With --watch or --report-cycles, from one round's start to the next's",
       [](ClientOptions& o, const std::string& v, const std::string&) { o.interval = to_interval(v); }},
      {"report-cycles", 0, FlagType::Int, "",
       "Run N rounds without a screen, then print the statistics (table, or --format json)",
       [](ClientOptions& o, const std::string& v, const std::string& n) {
         o.report_cycles = to_int(v, n);
         if (o.report_cycles < 1) throw FlagError("invalid value " + v + " for --report-cycles: must be at least 1");
       }},
      {"socket", 0, FlagType::String, kDefaultSocketPath, "Daemon socket (also $DD_TRACEROUTE_SOCKET)",
       [](ClientOptions& o, const std::string& v, const std::string&) { o.socket_path = v; }},
      {"no-daemon", 0, FlagType::Bool, "false",
       "Run the engine in this process, not in the daemon (needs CAP_NET_RAW: root, or an elevated prompt)",
       [](ClientOptions& o, const std::string& v, const std::string& n) { o.no_daemon = to_bool(v, n); }},
  };
  return specs;
}

const FlagSpec* find_long(const std::string& name) {
  for (const auto& f : flag_specs()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

const FlagSpec* find_short(char c) {
  for (const auto& f : flag_specs()) {
    if (f.shorthand == c) return &f;
  }
  return nullptr;
}

void check_range(const char* flag, long long value, long long lo, long long hi) {
  if (value < lo || value > hi) {
    throw FlagError("invalid value " + std::to_string(value) + " for --" + flag + ": must be between " +
                    std::to_string(lo) + " and " + std::to_string(hi));
  }
}

void validate(const ClientOptions& o) {
  const auto& p = o.params;
  if (!is_known_protocol(p.protocol)) {
    throw FlagError("invalid value \"" + p.protocol + "\" for --proto: must be udp, tcp or icmp");
  }
  if (p.tcp_method.empty() || !is_known_tcp_method(p.tcp_method)) {
    throw FlagError("invalid value \"" + p.tcp_method +
                    "\" for --tcp-method: must be syn, sack, prefer_sack or syn_socket");
  }
  check_range("port", p.port, 0, 65535);
  check_range("max-ttl", p.max_ttl, 1, 255);
  check_range("traceroute-queries", p.traceroute_queries, 0, 1000);
  check_range("e2e-queries", p.e2e_queries, 0, 1000);
  check_range("timeout", p.timeout_ms, 1, 3'600'000);
  if (p.hostname.empty()) throw FlagError("the target must not be empty");
  if (o.socket_path.empty()) throw FlagError("the socket path must not be empty");
}

}  // namespace

std::vector<CompletionFlag> completion_flags() {
  std::vector<CompletionFlag> out;
  for (const auto& f : flag_specs()) out.push_back({f.name, f.shorthand, f.type != FlagType::Bool, f.help});
  return out;
}

std::string usage_text() {
  std::ostringstream out;
  out << "Multi-protocol datadog traceroute CLI. Traces run in the datadog-tracerouted daemon, so no\n"
         "privilege is needed here. On a terminal the hops fill a live table; otherwise the result is\n"
         "the Go tool's JSON document on stdout.\n\n"
         "Usage:\n  datadog-traceroute [target] [flags]\n  datadog-traceroute target... [--targets-file FILE] [flags]\n"
         "  datadog-traceroute [command]\n\n"
         "Available Commands:\n"
         "  completion  Generate the autocompletion script for the specified shell\n"
         "  doctor      Check the daemon socket, the daemon, your role and quota, and say what to fix\n"
         "  help        Help about any command\n  version     Print the client and daemon "
         "versions\n\nFlags:\n";
  for (const auto& f : flag_specs()) {
    std::string left = f.shorthand ? "  " + shown(f) : "      " + shown(f);
    if (f.type == FlagType::Int) left += " int";
    if (f.type == FlagType::String) left += " string";
    out << left;
    for (std::size_t i = left.size(); i < 36; ++i) out << ' ';
    out << ' ' << f.help;
    if (f.type != FlagType::Bool && *f.default_text != '\0') {
      const char* quote = f.type == FlagType::String ? "\"" : "";
      out << " (default " << quote << f.default_text << quote << ")";
    }
    out << "\n";
  }
  auto line = [&out](std::string left, const char* help) {
    left.resize(36, ' ');
    out << left << ' ' << help << "\n";
  };
  line("  -h, --help", "help for datadog-traceroute");
  line("      --version", "Print the client and daemon versions");
  out << "\nBoolean flags are off unless given (--flag, or --flag=true). Integers accept Go's forms:\n"
         "0x1BB, 0o17, 0b1, and a leading 0 for octal.\n"
         "The daemon socket is --socket, else $DD_TRACEROUTE_SOCKET, else " << kDefaultSocketPath << ".\n"
         "With no daemon answering there, a process holding CAP_NET_RAW (root; Windows: elevated) runs\n"
         "the trace itself, as the Go tool does; --no-daemon asks for that even when a daemon answers.\n\n"
         "Output:\n"
         "  table  the default when stdout is a terminal: a table redrawn in place as hops arrive (TTL,\n"
         "         address, rDNS once known, the RTT of every run in ms or * for no answer, loss %), an\n"
         "         e2e progress line, then the final table with reverse DNS names\n"
         "  json   the default otherwise: exactly the Go tool's JSON document on stdout; each hop is\n"
         "         also printed on stderr as it arrives when stderr is a terminal (or with -v)\n"
         "  text   a classic traceroute listing of the final result, no escape sequences; hops on\n"
         "         stderr as for json, unless stdout is that terminal too (then only with -v)\n"
         "  Colours only in the table on a terminal, never with --no-color or $NO_COLOR set; TERM=dumb\n"
         "  gets no cursor movement. Ctrl-C cancels the trace in the daemon and prints the hops learned\n"
         "  so far (the partial table or listing; for json, a note on stderr), exit status 130.\n\n"
         "Watch (mtr mode): --watch repeats the trace every --interval over one daemon connection and\n"
         "  shows per TTL Loss% Snt Rcv Last Avg Best Wrst StDev (ms), each address of a TTL on its own\n"
         "  row (ECMP). Keys: q quit, p pause/resume, r reset the statistics, n names on/off. q and\n"
         "  Ctrl-C print the final table (exit 0; 130 for Ctrl-C). --report-cycles N runs N rounds\n"
         "  without a screen and prints that table, or --format json the statistics as one document, or\n"
         "  --format jsonl each round's Go document as it completes. Each round is an ordinary trace\n"
         "  under the daemon's quotas (a throttled round waits); no e2e probes unless -Q is given.\n\n"
         "Exit status: 0 success, 1 trace or daemon error, 2 bad flags, 130 interrupted (Ctrl-C).\n\n"
         "Examples:\n"
         "  datadog-traceroute --proto icmp 192.0.2.1\n"
         "  datadog-traceroute -P tcp -p 443 --reverse-dns 198.51.100.7\n"
         "  datadog-traceroute -P icmp -q 1 -Q 10 --timeout 1000 203.0.113.5\n"
         "  datadog-traceroute --format text -q 5 203.0.113.5\n"
         "  datadog-traceroute --format json --proto icmp --skip-private-hops 2001:db8::1 > trace.json\n"
         "  datadog-traceroute --watch --proto icmp -q 1 203.0.113.5\n"
         "  datadog-traceroute --report-cycles 10 --interval 500ms --format json 203.0.113.5\n"
         "  datadog-traceroute doctor\n";
  return out.str();
}

ParseOutcome parse_command_line(const std::vector<std::string>& args, const char* env_socket) {
  ParseOutcome outcome;
  ClientOptions& options = outcome.options;
  options.socket_path = (env_socket != nullptr && *env_socket != '\0') ? env_socket : kDefaultSocketPath;
  std::vector<std::string> positional;
  bool help = false, version = false;

  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      positional.insert(positional.end(), args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (arg.rfind("--", 0) == 0) {
      std::string body = arg.substr(2);
      auto eq = body.find('=');
      std::string name = body.substr(0, eq);
      if (name == "help") {
        help = true;
        continue;
      }
      if (name == "version") {
        version = true;
        continue;
      }
      const FlagSpec* f = find_long(name);
      if (f == nullptr) throw FlagError("unknown flag: --" + name);
      std::string value;
      if (eq != std::string::npos) {
        value = body.substr(eq + 1);
      } else if (f->type == FlagType::Bool) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        throw FlagError("flag needs an argument: --" + name);
      }
      f->apply(options, value, shown(*f));
      continue;
    }
    if (arg.size() > 1 && arg[0] == '-') {
      // Shorthands: "-v", "-vq3", "-p443", "-p=443", "-p 443".
      for (std::size_t k = 1; k < arg.size(); ++k) {
        char c = arg[k];
        if (c == 'h') {
          help = true;
          continue;
        }
        const FlagSpec* f = find_short(c);
        if (f == nullptr) throw FlagError(std::string("unknown shorthand flag: '") + c + "' in " + arg);
        std::string rest = arg.substr(k + 1);
        if (f->type == FlagType::Bool) {
          if (!rest.empty() && rest[0] == '=') {
            f->apply(options, rest.substr(1), shown(*f));
            break;
          }
          f->apply(options, "true", shown(*f));
          continue;
        }
        std::string value;
        if (!rest.empty()) {
          value = rest[0] == '=' ? rest.substr(1) : rest;
        } else if (i + 1 < args.size()) {
          value = args[++i];
        } else {
          throw FlagError(std::string("flag needs an argument: '") + c + "' in -" + c);
        }
        f->apply(options, value, shown(*f));
        break;
      }
      continue;
    }
    positional.push_back(arg);
  }

  if (help || (!positional.empty() && positional.front() == "help")) {
    outcome.kind = CommandKind::Help;
    outcome.text = usage_text();
    return outcome;
  }
  if (version || (positional.size() == 1 && positional.front() == "version")) {
    outcome.kind = CommandKind::Version;
    return outcome;
  }
  // cobra's completion command: never a target.
  if (!positional.empty() && positional.front() == "completion") {
    if (positional.size() > 2) throw FlagError("accepts at most 1 arg(s), received " + std::to_string(positional.size() - 1));
    outcome.kind = CommandKind::Completion;
    if (positional.size() == 1) {
      outcome.text = completion_usage();
      return outcome;
    }
    auto script = completion_script(positional[1], completion_flags());
    if (!script) throw FlagError("invalid argument \"" + positional[1] + "\" for \"datadog-traceroute completion\"");
    outcome.text = *script;
    return outcome;
  }
  if (positional.size() == 1 && positional.front() == "doctor") {
    outcome.kind = CommandKind::Doctor;
    return outcome;
  }
  if (positional.empty() && options.targets_file.empty()) throw FlagError("accepts 1 arg(s), received 0");
  options.targets = positional;
  // The request template: the one target, or (a batch) the first, for validation.
  options.params.hostname = positional.empty() ? std::string("(from --targets-file)") : positional.front();
  for (const auto& target : options.targets) {
    if (target.empty()) throw FlagError("the target must not be empty");
  }
  check_range("parallel", options.parallel, 1, 1000);
  check_range("report-cycles", options.report_cycles, 0, 10'000'000);
  if (options.watch && options.report_cycles > 0) throw FlagError("--watch and --report-cycles are exclusive");
  if (options.is_watch() && options.is_batch()) throw FlagError("--watch and --report-cycles trace one target");
  if (options.format == OutputFormat::Jsonl && !options.is_watch()) {
    throw FlagError("--format jsonl needs --watch or --report-cycles (several targets print JSON Lines already)");
  }
  // A round is one ordinary trace; its e2e probes only when asked for (-Q).
  if (options.is_watch() && !options.e2e_queries_given) options.params.e2e_queries = 0;
  validate(options);
  return outcome;
}

}  // namespace ddtr::client
