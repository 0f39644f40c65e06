// Reading a rendered message: walks a plan's segments, copying literal text
// and encoding streamed parts (files, streams) as they are read, with a
// bounded buffer whatever the size of a part.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "message/renderer.hpp"

namespace smtpkit::message {

// The MessageSource for a plan: restartable unless a part is a one-shot
// stream; size and content class from the plan.
MessageSource plan_source(std::shared_ptr<const Plan> plan);
// The whole message in memory. Throws smtpkit::system_error when a part
// cannot be read.
std::string render_all(std::shared_ptr<const Plan> plan);
// The octets a streamed segment adds, when its part's size is known.
std::optional<std::uint64_t> streamed_size(const Segment& segment);

}  // namespace smtpkit::message
