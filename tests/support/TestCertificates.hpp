// TestCertificates: certificate authorities and server certificates for TLS
// tests, made with Debian's openssl command the way scripts/broker makes the
// room's (EC P-256 keys, a CA, a server certificate with subjectAltName).
// Files go into a directory the test owns; keys are 0600.
#pragma once

#include <filesystem>
#include <string>

namespace stillroom::test {

struct TestCertificate {
  std::filesystem::path cert;
  std::filesystem::path key;
};

class TestCertificates {
 public:
  /** A self-signed CA as `dir`/`name`.crt and .key; throws std::runtime_error with openssl's output. */
  static TestCertificate make_ca(const std::filesystem::path& dir, const std::string& name);
  /** A server certificate `dir`/`name`.crt/.key for `names` ("DNS:localhost,IP:127.0.0.1"), signed by `ca`. */
  static TestCertificate issue(const TestCertificate& ca, const std::filesystem::path& dir, const std::string& name,
                               const std::string& names);
};

}  // namespace stillroom::test
