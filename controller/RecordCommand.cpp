#include "controller/RecordCommand.hpp"

#include "record/ExportCsv.hpp"
#include "record/ExportJson.hpp"
#include "record/FhirBundle.hpp"
#include "record/RecordFiles.hpp"
#include "record/RecordHash.hpp"
#include "record/RecordReader.hpp"
#include "record/RecordTimeline.hpp"
#include "report/MonitoringCsv.hpp"
#include "report/SessionSummary.hpp"
#include "report/SummaryDrawing.hpp"

#include <chrono>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <ostream>
#include <unistd.h>

namespace stillroom::controller {

using record::is_hex_sha256;
using record::RecordError;
using record::VerifyResult;

using record::VerifyOptions;
using record::export_json;

using record::Checkpoint;
using record::RecordReader;
using record::sync_directory;
namespace {

constexpr int kOk = 0;
constexpr int kFailed = 1;
constexpr int kUsage = 2;

constexpr const char* kUsageText =
    "usage: stillroom record [--db PATH | --config ROOM.yaml] COMMAND\n"
    "\n"
    "commands:\n"
    "  list                                   sessions with clients, protocol, times, events, state at end\n"
    "  show SESSION                           the session's timeline (seq, utc, dose clock, type, actor, summary)\n"
    "  verify [--checkpoint SEQ:HASH]         check the whole hash chain (and an anchored checkpoint)\n"
    "  export SESSION --format csv|json|fhir [--out FILE]\n"
    "                                         write the session's events (stdout without --out)\n"
    "  report SESSION [--out DIR]             the signed-summary files: SESSION.pdf, .svg, .json (the EHR's),\n"
    "                                         -monitoring.csv (one row, the monitoring form) in DIR (default .)\n"
    "\n"
    "exit status: 0 ok, 1 verification failed / not found / unreadable, 2 usage\n";

struct Parsed {
  std::optional<std::filesystem::path> db;
  std::optional<std::string> config;
  std::string command;
  std::vector<std::string> positional;
  std::optional<std::string> format;
  std::optional<std::string> out_file;
  std::optional<std::string> checkpoint;
  bool help = false;
};

int usage(std::ostream& err, const std::string& problem) {
  err << "stillroom record: " << problem << "\n\n" << kUsageText;
  return kUsage;
}

/** Parses options anywhere on the line; "" on success, else the problem. */
std::string parse(const std::vector<std::string>& args, Parsed& p) {
  std::size_t i = 0;
  if (!args.empty() && args[0] == "record") i = 1;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::optional<std::string>& slot) -> std::string {
      if (slot) return a + " given twice";
      if (i + 1 >= args.size()) return a + " needs a value";
      slot = args[++i];
      return {};
    };
    std::string problem;
    if (a == "--help" || a == "-h") {
      p.help = true;
    } else if (a == "--db") {
      std::optional<std::string> db;
      if (p.db) return "--db given twice";
      problem = value(db);
      if (db) p.db = *db;
    } else if (a == "--config") {
      problem = value(p.config);
    } else if (a == "--format") {
      problem = value(p.format);
    } else if (a == "--out") {
      problem = value(p.out_file);
    } else if (a == "--checkpoint") {
      problem = value(p.checkpoint);
    } else if (a.size() > 1 && a[0] == '-') {
      return "unknown option " + a;
    } else if (p.command.empty()) {
      p.command = a;
    } else {
      p.positional.push_back(a);
    }
    if (!problem.empty()) return problem;
  }
  return {};
}

std::optional<Checkpoint> parse_checkpoint(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) return std::nullopt;
  Checkpoint c;
  const char* begin = text.data();
  const auto [end, error] = std::from_chars(begin, begin + colon, c.seq);
  if (error != std::errc() || end != begin + colon || c.seq < 1) return std::nullopt;
  c.hash = text.substr(colon + 1);
  if (!is_hex_sha256(c.hash)) return std::nullopt;
  return c;
}

/** Writes `text` to `path` through a 0600 temporary file and a rename; "" on success, else the problem. */
std::string write_file(const std::filesystem::path& path, const std::string& text) {
  const std::string temporary = path.string() + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return "cannot create " + temporary + ": " + std::strerror(errno);
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string problem = "cannot write " + temporary + ": " + std::strerror(errno);
      ::close(fd);
      ::unlink(temporary.c_str());
      return problem;
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const std::string problem = "cannot write " + temporary + ": " + std::strerror(errno);
    ::unlink(temporary.c_str());
    return problem;
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string problem = "cannot rename to " + path.string() + ": " + std::strerror(errno);
    ::unlink(temporary.c_str());
    return problem;
  }
  sync_directory(path.has_parent_path() ? path.parent_path() : std::filesystem::path("."));
  return {};
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

int list(RecordReader& reader, std::ostream& out) {
  const auto sessions = reader.sessions();
  char line[512];
  std::snprintf(line, sizeof line, "%-24s  %-20s  %-16s  %-24s  %-24s  %6s  %s\n", "session", "clients", "protocol",
                "first", "last", "events", "state");
  out << line;
  for (const auto& s : sessions) {
    std::snprintf(line, sizeof line, "%-24s  %-20s  %-16s  %-24s  %-24s  %6lld  %s\n", s.session.c_str(),
                  join(s.clients).c_str(), s.protocol.c_str(), s.first_utc.c_str(), s.last_utc.c_str(),
                  static_cast<long long>(s.events), s.state.c_str());
    out << line;
  }
  if (sessions.empty()) out << "(no sessions)\n";
  return kOk;
}

int show(RecordReader& reader, const std::string& session, std::ostream& out, std::ostream& err) {
  const auto events = reader.session_events(session);
  if (events.empty()) {
    err << "stillroom record: no session '" << session << "' in the record\n";
    return kFailed;
  }
  out << "session " << session << " (" << events.size() << " events)\n" << format_timeline(make_timeline(events));
  return kOk;
}

int verify(RecordReader& reader, const std::optional<Checkpoint>& checkpoint, std::ostream& out) {
  VerifyOptions options;
  options.checkpoint = checkpoint;
  options.integrity_check = true;
  const VerifyResult result = reader.verify(options);
  out << (result.ok() ? "OK " : "FAILED ") << result.message() << "\n";
  if (result.ok() && checkpoint) out << "checkpoint seq " << checkpoint->seq << " matches\n";
  return result.ok() ? kOk : kFailed;
}

int export_session(RecordReader& reader, const std::string& session, const std::string& format,
                   const std::optional<std::string>& out_file, std::ostream& out, std::ostream& err) {
  const auto events = reader.session_events(session);
  if (events.empty()) {
    err << "stillroom record: no session '" << session << "' in the record\n";
    return kFailed;
  }
  VerifyOptions options;
  options.integrity_check = true;
  const VerifyResult verification = reader.verify(options);
  std::string text;
  if (format == "csv") {
    text = export_csv(events);
  } else if (format == "json") {
    text = record::export_text(export_json({session, events, reader.checkpoint(), verification})) + "\n";
  } else {
    text = record::export_text(make_fhir_bundle(session, events)) + "\n";
  }
  if (out_file) {
    const std::string problem = write_file(*out_file, text);
    if (!problem.empty()) {
      err << "stillroom record: " << problem << "\n";
      return kFailed;
    }
    err << "wrote " << events.size() << " events of session " << session << " to " << *out_file << "\n";
  } else {
    out << text;
  }
  if (!verification.ok()) {
    // The clinic still gets its data, but nobody may mistake it for a verified record.
    err << "stillroom record: WARNING: the record does not verify: " << verification.message() << "\n";
    return kFailed;
  }
  return kOk;
}

int report_session(RecordReader& reader, const std::string& session, const std::optional<std::string>& out_dir,
                   std::ostream& out, std::ostream& err) {
  const auto began = std::chrono::steady_clock::now();
  const auto rows = report::session_span(reader, session);
  if (rows.empty()) {
    err << "stillroom record: no session '" << session << "' in the record\n";
    return kFailed;
  }
  VerifyOptions options;
  options.integrity_check = true;
  const VerifyResult verification = reader.verify(options);
  auto summary = report::summarise(session, rows);
  summary.verified = verification.ok();
  summary.verification = verification.message();
  const std::filesystem::path dir = out_dir.value_or(".");
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) {
    err << "stillroom record: --out " << dir.string() << " is not a directory\n";
    return kFailed;
  }
  const auto base = dir / session;
  const auto pdf = base.string() + ".pdf", svg = base.string() + ".svg";
  try {
    report::write_pdf(summary, pdf + ".tmp");
    std::filesystem::rename(pdf + ".tmp", pdf);
    report::write_svg(summary, svg + ".tmp");
    std::filesystem::rename(svg + ".tmp", svg);
  } catch (const std::exception& e) {
    err << "stillroom record: " << e.what() << "\n";
    return kFailed;
  }
  for (const auto& [path, text] : {std::pair{base.string() + ".json", report::summary_json(summary).dump(2) + "\n"},
                                   std::pair{base.string() + "-monitoring.csv", report::monitoring_csv({summary})}}) {
    if (const std::string problem = write_file(path, text); !problem.empty()) {
      err << "stillroom record: " << problem << "\n";
      return kFailed;
    }
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began);
  out << "wrote " << pdf << ", " << svg << ", " << base.string() << ".json, " << base.string()
      << "-monitoring.csv (" << rows.size() << " events, " << ms.count() << " ms)\n";
  if (!verification.ok()) {
    err << "stillroom record: WARNING: the record does not verify: " << verification.message() << "\n";
    return kFailed;
  }
  return kOk;
}

}  // namespace

int run_record_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  return run_record_command(args, out, err, RecordCommandHooks{});
}

int run_record_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                       const RecordCommandHooks& hooks) {
  Parsed p;
  if (const std::string problem = parse(args, p); !problem.empty()) return usage(err, problem);
  if (p.help) {
    out << kUsageText;
    return kOk;
  }
  if (p.command.empty()) return usage(err, "no command given");

  std::size_t expected_positional = 0;
  if (p.command == "show" || p.command == "export" || p.command == "report") {
    expected_positional = 1;
  } else if (p.command != "list" && p.command != "verify") {
    return usage(err, "unknown command '" + p.command + "'");
  }
  if (p.positional.size() < expected_positional) return usage(err, p.command + " needs a SESSION");
  if (p.positional.size() > expected_positional) return usage(err, "unexpected argument '" + p.positional.back() + "'");
  if (p.checkpoint && p.command != "verify") return usage(err, "--checkpoint belongs to verify");
  if (p.format && p.command != "export") return usage(err, "--format belongs to export");
  if (p.out_file && p.command != "export" && p.command != "report") return usage(err, "--out belongs to export and report");
  std::optional<Checkpoint> checkpoint;
  if (p.checkpoint) {
    checkpoint = parse_checkpoint(*p.checkpoint);
    if (!checkpoint) return usage(err, "--checkpoint must be SEQ:HASH (a seq >= 1 and 64 lower-case hex digits)");
  }
  if (p.command == "export") {
    if (!p.format) return usage(err, "export needs --format csv|json|fhir");
    if (*p.format != "csv" && *p.format != "json" && *p.format != "fhir")
      return usage(err, "--format must be csv, json or fhir, not '" + *p.format + "'");
  }

  if (p.db && p.config) return usage(err, "give --db or --config, not both");
  std::filesystem::path db_path;
  if (p.db) {
    db_path = *p.db;
  } else if (p.config) {
    if (!hooks.record_path_from_config)
      return usage(err, "--config is not available in this build yet; give the record file with --db PATH");
    const auto resolved = hooks.record_path_from_config(*p.config, err);
    if (!resolved) return kFailed;
    db_path = *resolved;
  } else {
    return usage(err, "which record? give --db PATH (or --config ROOM.yaml)");
  }

  try {
    RecordReader reader(db_path);
    if (p.command == "list") return list(reader, out);
    if (p.command == "show") return show(reader, p.positional[0], out, err);
    if (p.command == "verify") return verify(reader, checkpoint, out);
    if (p.command == "report") return report_session(reader, p.positional[0], p.out_file, out, err);
    return export_session(reader, p.positional[0], *p.format, p.out_file, out, err);
  } catch (const RecordError& error) {
    err << "stillroom record: " << error.what() << "\n";
    return kFailed;
  } catch (const std::exception& error) {
    err << "stillroom record: " << db_path.string() << ": " << error.what() << "\n";
    return kFailed;
  }
}

}  // namespace stillroom::controller
