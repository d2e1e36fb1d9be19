// ExportCsv: the per-event CSV clinics import — a header row and one row per
// event with every stored column, RFC 4180 quoting (fields with a comma, quote,
// CR or LF, or leading/trailing space are quoted, quotes doubled), CRLF line
// ends, UTF-8. Values are exactly as stored, so a row's hash can be recomputed
// from it. Pure; any thread.
#pragma once

#include "record/RecordEvent.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace stillroom::record {

/** Column names of the CSV, in order. */
[[nodiscard]] const std::vector<std::string>& csv_columns();

/** The whole CSV document for `events`. */
[[nodiscard]] std::string export_csv(const std::vector<RecordEvent>& events);

/** One RFC 4180 field: as is, or quoted with inner quotes doubled when it needs quoting. */
[[nodiscard]] std::string csv_field(std::string_view value);

}  // namespace stillroom::record
