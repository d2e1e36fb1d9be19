#include "record/RecordError.hpp"

namespace stillroom::record {

RecordError::RecordError(Kind kind, const std::string& message, int sqlite_code, int system_errno)
    : std::runtime_error(message), kind_(kind), sqlite_code_(sqlite_code), system_errno_(system_errno) {}

bool RecordError::is_storage_failure() const noexcept {
  switch (kind_) {
    case Kind::DiskFull:
    case Kind::ReadOnly:
    case Kind::Io:
    case Kind::Corrupt:
    case Kind::Busy:
      return true;
    case Kind::NotARecord:
    case Kind::NotFound:
    case Kind::InvalidEvent:
    case Kind::Refused:
      return false;
  }
  return false;
}

const char* to_string(RecordError::Kind kind) noexcept {
  switch (kind) {
    case RecordError::Kind::DiskFull: return "disk_full";
    case RecordError::Kind::ReadOnly: return "read_only";
    case RecordError::Kind::Io: return "io_error";
    case RecordError::Kind::Corrupt: return "corrupt";
    case RecordError::Kind::Busy: return "busy";
    case RecordError::Kind::NotARecord: return "not_a_record";
    case RecordError::Kind::NotFound: return "not_found";
    case RecordError::Kind::InvalidEvent: return "invalid_event";
    case RecordError::Kind::Refused: return "refused";
  }
  return "unknown";
}

}  // namespace stillroom::record
