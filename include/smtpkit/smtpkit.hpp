// The umbrella header: the whole public API of smtpkit.
#pragma once

#include "smtpkit/address.hpp"
#include "smtpkit/client.hpp"
#include "smtpkit/dkim.hpp"
#include "smtpkit/envelope.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/events.hpp"
#include "smtpkit/header_field.hpp"
#include "smtpkit/header_reader.hpp"
#include "smtpkit/mailer.hpp"
#include "smtpkit/message.hpp"
#include "smtpkit/message_source.hpp"
#include "smtpkit/options.hpp"
#include "smtpkit/protocol/capabilities.hpp"
#include "smtpkit/reply.hpp"
#include "smtpkit/transfer_status.hpp"
