#include "client/completion.hpp"

#include <sstream>

namespace ddtr::client {
namespace {

constexpr const char* kProgram = "datadog-traceroute";
constexpr const char* kSubcommands = "completion doctor help version";
constexpr const char* kShells = "bash zsh fish powershell";

// The fixed value sets; everything else that takes a value is free text.
const char* values_of(const std::string& flag) {
  if (flag == "proto") return "udp tcp icmp";
  if (flag == "tcp-method") return "syn sack prefer_sack syn_socket";
  if (flag == "format") return "json table text jsonl";
  return nullptr;
}

bool takes_file(const std::string& flag) { return flag == "targets-file" || flag == "socket"; }

// Help texts go inside single quotes (zsh, fish, PowerShell) and zsh's [...].
std::string quoted_help(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\'') {
      out += "'\\''";
    } else if (c == '[' || c == ']') {
      out += c == '[' ? '(' : ')';
    } else {
      out += c;
    }
  }
  return out;
}

std::string bash(const std::vector<CompletionFlag>& flags) {
  std::ostringstream all, cases;
  all << "--help --version -h";
  for (const auto& f : flags) {
    all << " --" << f.name;
    if (f.shorthand) all << " -" << f.shorthand;
    if (!f.takes_value) continue;
    std::string pattern;
    if (f.shorthand) pattern.append("-").append(1, f.shorthand).append("|");
    pattern.append("--").append(f.name);
    if (const char* values = values_of(f.name)) {
      cases << "    " << pattern << ") COMPREPLY=($(compgen -W \"" << values << "\" -- \"$cur\")); return 0 ;;\n";
    } else if (takes_file(f.name)) {
      cases << "    " << pattern << ") COMPREPLY=($(compgen -f -- \"$cur\")); return 0 ;;\n";
    } else {
      cases << "    " << pattern << ") return 0 ;;\n";
    }
  }
  std::ostringstream out;
  out << "# bash completion for " << kProgram << " (datadog-traceroute completion bash)\n"
      << "_datadog_traceroute() {\n"
      << "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
      << "  COMPREPLY=()\n"
      << "  if [[ \"${COMP_WORDS[1]}\" == completion && $COMP_CWORD -eq 2 ]]; then\n"
      << "    COMPREPLY=($(compgen -W \"" << kShells << "\" -- \"$cur\")); return 0\n"
      << "  fi\n"
      << "  case \"$prev\" in\n"
      << cases.str() << "  esac\n"
      << "  case \"$cur\" in\n"
      << "    --proto=*) COMPREPLY=($(compgen -P --proto= -W \"" << values_of("proto") << "\" -- \"${cur#*=}\")); return 0 ;;\n"
      << "    --tcp-method=*) COMPREPLY=($(compgen -P --tcp-method= -W \"" << values_of("tcp-method")
      << "\" -- \"${cur#*=}\")); return 0 ;;\n"
      << "    --format=*) COMPREPLY=($(compgen -P --format= -W \"" << values_of("format")
      << "\" -- \"${cur#*=}\")); return 0 ;;\n"
      << "    -*) COMPREPLY=($(compgen -W \"" << all.str() << "\" -- \"$cur\")); return 0 ;;\n"
      << "  esac\n"
      << "  if [[ $COMP_CWORD -eq 1 ]]; then\n"
      << "    COMPREPLY=($(compgen -W \"" << kSubcommands << "\" -- \"$cur\"))\n"
      << "  fi\n"
      << "  return 0\n"
      << "}\n"
      << "complete -o default -F _datadog_traceroute " << kProgram << "\n";
  return out.str();
}

std::string zsh(const std::vector<CompletionFlag>& flags) {
  std::ostringstream out;
  out << "#compdef " << kProgram << "\n"
      << "# zsh completion for " << kProgram << " (datadog-traceroute completion zsh)\n"
      << "_datadog_traceroute() {\n"
      << "  _arguments -s \\\n"
      << "    '(-h --help)'{-h,--help}'[help for datadog-traceroute]' \\\n"
      << "    '--version[Print the client and daemon versions]' \\\n";
  for (const auto& f : flags) {
    std::string action;
    if (f.takes_value) {
      if (const char* values = values_of(f.name)) {
        action.append(":").append(f.name).append(":(").append(values).append(")");
      } else if (takes_file(f.name)) {
        action = ":file:_files";
      } else {
        action.append(":").append(f.name).append(": ");
      }
    }
    std::string eq = f.takes_value ? "=" : "";
    // Built with append(): GCC 12 at -O3 warns falsely (-Wrestrict) on such operator+ chains.
    std::string spec;
    spec.append("[").append(quoted_help(f.help)).append("]").append(action);
    if (f.shorthand) {
      out << "    '(-" << f.shorthand << " --" << f.name << ")'{-" << f.shorthand << ",--" << f.name << eq << "}'"
          << spec << "' \\\n";
    } else {
      out << "    '--" << f.name << eq << spec << "' \\\n";
    }
  }
  out << "    '1: :((completion\\:\"generate a shell completion script\" doctor\\:\"check the daemon\" "
         "help\\:\"help about any command\" version\\:\"print the versions\"))' \\\n"
      << "    '*::arg:->args'\n"
      << "  if [[ $state == args && ${words[1]} == completion ]]; then\n"
      << "    _values shell " << kShells << "\n"
      << "  fi\n"
      << "}\n"
      << "if [[ \"$funcstack[1]\" == _datadog_traceroute ]]; then\n"
      << "  _datadog_traceroute \"$@\"\n"
      << "else\n"
      << "  compdef _datadog_traceroute " << kProgram << "\n"
      << "fi\n";
  return out.str();
}

std::string fish(const std::vector<CompletionFlag>& flags) {
  std::ostringstream out;
  out << "# fish completion for " << kProgram << " (datadog-traceroute completion fish)\n"
      << "complete -c " << kProgram << " -f\n"
      << "complete -c " << kProgram << " -n __fish_use_subcommand -a '" << kSubcommands << "'\n"
      << "complete -c " << kProgram << " -n '__fish_seen_subcommand_from completion' -a '" << kShells << "'\n"
      << "complete -c " << kProgram << " -s h -l help -d 'help for datadog-traceroute'\n"
      << "complete -c " << kProgram << " -l version -d 'Print the client and daemon versions'\n";
  for (const auto& f : flags) {
    out << "complete -c " << kProgram;
    if (f.shorthand) out << " -s " << f.shorthand;
    out << " -l " << f.name;
    if (f.takes_value) {
      if (const char* values = values_of(f.name)) {
        out << " -x -a '" << values << "'";
      } else if (takes_file(f.name)) {
        out << " -r -F";
      } else {
        out << " -x";
      }
    }
    out << " -d '" << quoted_help(f.help) << "'\n";
  }
  return out.str();
}

std::string powershell(const std::vector<CompletionFlag>& flags) {
  std::ostringstream words, values;
  words << "'completion', 'doctor', 'help', 'version', '--help', '--version', '-h'";
  for (const auto& f : flags) {
    words << ", '--" << f.name << "'";
    if (f.shorthand) words << ", '-" << f.shorthand << "'";
    if (const char* v = values_of(f.name)) {
      std::string list = v;
      std::string quoted = "'";
      for (char c : list) quoted += c == ' ' ? std::string("', '") : std::string(1, c);
      quoted += "'";
      values << "    '--" << f.name << "' = @(" << quoted << ")\n";
      if (f.shorthand) values << "    '-" << f.shorthand << "' = @(" << quoted << ")\n";
    }
  }
  std::ostringstream out;
  out << "# powershell completion for " << kProgram << " (datadog-traceroute completion powershell)\n"
      << "Register-ArgumentCompleter -Native -CommandName '" << kProgram << "' -ScriptBlock {\n"
      << "  param($wordToComplete, $commandAst, $cursorPosition)\n"
      << "  $values = @{\n"
      << values.str() << "  }\n"
      << "  $elements = $commandAst.CommandElements\n"
      << "  $previous = if ($elements.Count -ge 2) { $elements[$elements.Count - 1].ToString() } else { '' }\n"
      << "  if ($wordToComplete -ne '' -and $elements.Count -ge 3) { $previous = $elements[$elements.Count - 2].ToString() }\n"
      << "  $candidates = if ($values.ContainsKey($previous)) { $values[$previous] }\n"
      << "    elseif ($elements.Count -ge 2 -and $elements[1].ToString() -eq 'completion') { @(" 
      << "'bash', 'zsh', 'fish', 'powershell') }\n"
      << "    else { @(" << words.str() << ") }\n"
      << "  $candidates | Where-Object { $_ -like \"$wordToComplete*\" } | ForEach-Object {\n"
      << "    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)\n"
      << "  }\n"
      << "}\n";
  return out.str();
}

}  // namespace

std::optional<std::string> completion_script(std::string_view shell, const std::vector<CompletionFlag>& flags) {
  if (shell == "bash") return bash(flags);
  if (shell == "zsh") return zsh(flags);
  if (shell == "fish") return fish(flags);
  if (shell == "powershell") return powershell(flags);
  return std::nullopt;
}

std::string completion_usage() {
  return "Generate the autocompletion script for datadog-traceroute for the specified shell.\n\n"
         "Usage:\n  datadog-traceroute completion [bash|zsh|fish|powershell]\n\n"
         "Examples:\n"
         "  source <(datadog-traceroute completion bash)\n"
         "  datadog-traceroute completion zsh > \"${fpath[1]}/_datadog-traceroute\"\n"
         "  datadog-traceroute completion fish > ~/.config/fish/completions/datadog-traceroute.fish\n"
         "  datadog-traceroute completion powershell | Out-String | Invoke-Expression\n"
         "The Debian package installs the bash, zsh and fish scripts.\n";
}

}  // namespace ddtr::client
