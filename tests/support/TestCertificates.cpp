#include "support/TestCertificates.hpp"

#include "support/TempDir.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

extern char** environ;

namespace stillroom::test {
namespace {

void openssl(const std::vector<std::string>& args, const std::filesystem::path& log) {
  std::vector<std::string> argv = {"/usr/bin/openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> raw;
  for (auto& a : argv) raw.push_back(a.data());
  raw.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, raw[0], &actions, nullptr, raw.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error(std::string("cannot run openssl: ") + std::strerror(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("openssl " + args.front() + " failed: " + read_file(log));
}

}  // namespace

TestCertificate TestCertificates::make_ca(const std::filesystem::path& dir, const std::string& name) {
  TestCertificate ca{dir / (name + ".crt"), dir / (name + ".key")};
  const auto log = dir / (name + ".log");
  openssl({"ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", ca.key.string()}, log);
  std::filesystem::permissions(ca.key, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  openssl({"req", "-x509", "-new", "-key", ca.key.string(), "-sha256", "-days", "30", "-subj", "/CN=" + name,
           "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out",
           ca.cert.string()},
          log);
  return ca;
}

TestCertificate TestCertificates::issue(const TestCertificate& ca, const std::filesystem::path& dir,
                                        const std::string& name, const std::string& names) {
  TestCertificate server{dir / (name + ".crt"), dir / (name + ".key")};
  const auto log = dir / (name + ".log");
  const auto csr = dir / (name + ".csr");
  const auto ext = dir / (name + ".ext");
  openssl({"ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", server.key.string()}, log);
  std::filesystem::permissions(server.key, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  openssl({"req", "-new", "-key", server.key.string(), "-subj", "/CN=" + name, "-out", csr.string()}, log);
  std::ofstream(ext) << "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
                     << "subjectAltName=" << names << "\n";
  openssl({"x509", "-req", "-in", csr.string(), "-CA", ca.cert.string(), "-CAkey", ca.key.string(), "-CAcreateserial",
           "-days", "30", "-sha256", "-extfile", ext.string(), "-out", server.cert.string()},
          log);
  return server;
}

}  // namespace stillroom::test
