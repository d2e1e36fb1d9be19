#include "record/RecordReader.hpp"

#include "record/RecordSchema.hpp"

namespace stillroom::record {

RecordReader::RecordReader(const std::filesystem::path& path, int busy_timeout_ms)
    : db_(path, RecordDatabase::Access::Read, busy_timeout_ms) {
  const SchemaState state = schema_state(db_);
  if (state != SchemaState::Record)
    throw RecordError(RecordError::Kind::NotARecord, path.string() + " is not a stillroom record");
}

std::optional<Checkpoint> RecordReader::checkpoint() {
  const auto newest = query_newest(db_);
  if (!newest) return std::nullopt;
  return Checkpoint{newest->seq, newest->hash};
}

}  // namespace stillroom::record
