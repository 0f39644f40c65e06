// MAIL/RCPT parameters: what is declared for each extension, what is
// dropped, and every refusal, decided before anything is written.
#include "smtpkit/protocol/detail/mail_parameters.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smtpkit/error.hpp"

namespace smtpkit::protocol {
namespace {

using Strings = std::vector<std::string>;

Capabilities offer(const Strings& extensions) {
    Reply reply;
    reply.code = 250;
    reply.lines.push_back("mx.example.org");
    reply.lines.insert(reply.lines.end(), extensions.begin(), extensions.end());
    return Capabilities::from_ehlo(reply);
}

Envelope envelope() {
    return Envelope{"sender@example.com", {"a@example.net", "b@example.net"}};
}

MessageInfo info(std::optional<ContentClass> cls, std::optional<std::uint64_t> size = {}) {
    return MessageInfo{size, cls};
}

struct Planned {
    std::error_code ec;
    MailPlan plan;
};

Planned plan(const Envelope& e, const MessageInfo& i, const Strings& extensions, bool tls = false,
             bool chunking = true) {
    const Capabilities caps = offer(extensions);
    Planned p;
    p.ec = plan_mail(e, i, ServerOffer{caps, tls, chunking}, p.plan);
    return p;
}

TEST(Xtext, EncodesPlusEqualsControlsSpaceAndEightBit) {
    EXPECT_EQ(xtext("abc-123@example.com"), "abc-123@example.com");
    EXPECT_EQ(xtext("a+b=c"), "a+2Bb+3Dc");
    EXPECT_EQ(xtext("a b\t~!"), "a+20b+09~!");
    EXPECT_EQ(xtext("\x7F\x80\xFF"), "+7F+80+FF");
    EXPECT_EQ(xtext(""), "");
}

TEST(Xtext, Utf8AddrXtextUsesCodePointsWithoutLeadingZeros) {
    EXPECT_EQ(utf8_addr_xtext("j\xC3\xB6rg@example.com"), "j\\x{F6}rg@example.com");
    EXPECT_EQ(utf8_addr_xtext("a+b=c\\d"), "a\\x{2B}b\\x{3D}c\\x{5C}d");
    EXPECT_EQ(utf8_addr_xtext("\xE2\x82\xAC@x"), "\\x{20AC}@x");       // euro sign
    EXPECT_EQ(utf8_addr_xtext("\xF0\x9F\x98\x80@x"), "\\x{1F600}@x");  // 4-octet form
    EXPECT_EQ(utf8_addr_xtext("\xC3@x"), "") << "malformed UTF-8 is not encoded";
}

TEST(Xtext, OrcptNamesTheAddressType) {
    EXPECT_EQ(orcpt_value("<a+b@example.com>"), "rfc822;a+2Bb@example.com");
    EXPECT_EQ(orcpt_value("j\xC3\xB6rg@example.com"), "utf-8;j\\x{F6}rg@example.com");
    EXPECT_EQ(orcpt_value(""), "");
    EXPECT_EQ(orcpt_value("a@b\r\nDATA"), "");
}

TEST(Dsn, NotifyValues) {
    EXPECT_EQ(notify_value(DsnNotify::never), "NEVER");
    EXPECT_EQ(notify_value(DsnNotify::delay | DsnNotify::success), "SUCCESS,DELAY");
    EXPECT_EQ(notify_value(DsnNotify::success | DsnNotify::failure | DsnNotify::delay),
              "SUCCESS,FAILURE,DELAY");
    EXPECT_EQ(notify_value(DsnNotify::unspecified), "");
    EXPECT_EQ(notify_value(DsnNotify::never | DsnNotify::failure), "") << "NEVER stands alone";
}

TEST(Dsn, SentOnMailAndRcptWhenOffered) {
    Envelope e = envelope();
    e.dsn.ret = DsnReturn::headers;
    e.dsn.envelope_id = "id+1=x";
    e.to[0].notify = DsnNotify::failure | DsnNotify::delay;
    e.to[1].original_recipient = "orig@example.net";
    const auto p = plan(e, info(ContentClass::seven_bit), {"DSN"});
    ASSERT_FALSE(p.ec) << p.ec.message();
    EXPECT_EQ(p.plan.mail_params, (Strings{"RET=HDRS", "ENVID=id+2B1+3Dx"}));
    EXPECT_EQ(p.plan.rcpt_params[0], (Strings{"NOTIFY=FAILURE,DELAY"}));
    EXPECT_EQ(p.plan.rcpt_params[1], (Strings{"ORCPT=rfc822;orig@example.net"}));
    EXPECT_TRUE(p.plan.dropped.empty());
}

TEST(Dsn, NotOfferedDropsOrRefusesAsAsked) {
    Envelope e = envelope();
    e.dsn.ret = DsnReturn::full;
    e.to[0].notify = DsnNotify::never;
    auto p = plan(e, info(ContentClass::seven_bit), {"PIPELINING"});
    ASSERT_FALSE(p.ec);
    EXPECT_EQ(p.plan.dropped, (Strings{"DSN"}));
    EXPECT_TRUE(p.plan.mail_params.empty());
    EXPECT_TRUE(p.plan.rcpt_params[0].empty());

    e.dsn.required = true;
    p = plan(e, info(ContentClass::seven_bit), {"PIPELINING"});
    EXPECT_EQ(p.ec, error::dsn_not_offered);
}

TEST(Dsn, BadValuesAreRefusedEvenWhenNotOffered) {
    Envelope e = envelope();
    e.to[1].notify = DsnNotify::never | DsnNotify::success;
    EXPECT_EQ(plan(e, info(ContentClass::seven_bit), {}).ec, error::invalid_parameter);
    e = envelope();
    e.dsn.envelope_id = std::string(101, 'x');
    EXPECT_EQ(plan(e, info(ContentClass::seven_bit), {"DSN"}).ec, error::invalid_parameter);
    e.dsn.envelope_id = "caf\xC3\xA9";
    EXPECT_EQ(plan(e, info(ContentClass::seven_bit), {"DSN"}).ec, error::invalid_parameter);
    e = envelope();
    e.to[0].original_recipient = std::string(600, 'a') + "@example.com";
    EXPECT_EQ(plan(e, info(ContentClass::seven_bit), {"DSN"}).ec, error::invalid_parameter);
}

TEST(Size, DeclaredWhenKnownAndOffered) {
    const Envelope e = envelope();
    EXPECT_EQ(plan(e, info(ContentClass::seven_bit, 1234), {"SIZE 10000"}).plan.mail_params,
              (Strings{"SIZE=1234"}));
    EXPECT_EQ(plan(e, info(ContentClass::seven_bit, 1234), {"SIZE"}).plan.mail_params,
              (Strings{"SIZE=1234"}))
        << "SIZE without a limit still takes the declaration";
    EXPECT_TRUE(plan(e, info(ContentClass::seven_bit), {"SIZE 10000"}).plan.mail_params.empty());
    EXPECT_TRUE(plan(e, info(ContentClass::seven_bit, 1234), {}).plan.mail_params.empty());
}

TEST(Size, OverTheLimitIsRefused) {
    const Envelope e = envelope();
    EXPECT_EQ(plan(e, info(ContentClass::seven_bit, 10001), {"SIZE 10000"}).ec,
              error::message_too_large);
    EXPECT_FALSE(plan(e, info(ContentClass::seven_bit, 10000), {"SIZE 10000"}).ec);
    EXPECT_FALSE(plan(e, info(ContentClass::seven_bit, 10001), {"SIZE 0"}).ec);
}

// BODY= from the body type, the content class and the offer.
struct BodyCase {
    const char* name;
    BodyType body;
    std::optional<ContentClass> content;
    Strings extensions;
    bool chunking_enabled;
    std::error_code ec;
    std::string declared;
    bool chunked;
};

void PrintTo(const BodyCase& c, std::ostream* os) {
    *os << c.name;
}

class BodyChoice : public ::testing::TestWithParam<BodyCase> {};

TEST_P(BodyChoice, DeclaresOrRefuses) {
    const BodyCase& c = GetParam();
    Envelope e = envelope();
    e.body = c.body;
    const auto p = plan(e, info(c.content), c.extensions, false, c.chunking_enabled);
    EXPECT_EQ(p.ec, c.ec) << p.ec.message();
    if (!c.ec) {
        EXPECT_EQ(p.plan.body, c.declared);
        EXPECT_EQ(p.plan.chunked, c.chunked);
        const std::string param = c.declared.empty() ? "" : "BODY=" + c.declared;
        EXPECT_EQ(p.plan.mail_params, param.empty() ? Strings{} : Strings{param});
    }
}

const Strings all_bodies = {"8BITMIME", "BINARYMIME", "CHUNKING"};
const std::error_code ok{};
const auto ce = [](error e) { return make_error_code(e); };

INSTANTIATE_TEST_SUITE_P(
    Table, BodyChoice,
    ::testing::Values(
        BodyCase{"seven_bit_sends_no_body", BodyType::automatic, ContentClass::seven_bit,
                 all_bodies, true, ok, "", true},
        BodyCase{"eight_bit_says_8bitmime",
                 BodyType::automatic,
                 ContentClass::eight_bit,
                 {"8BITMIME"},
                 true,
                 ok,
                 "8BITMIME",
                 false},
        BodyCase{"eight_bit_without_8bitmime",
                 BodyType::automatic,
                 ContentClass::eight_bit,
                 {"CHUNKING", "BINARYMIME"},
                 true,
                 ce(error::eight_bit_not_offered),
                 "",
                 false},
        BodyCase{"binary_says_binarymime_over_bdat", BodyType::automatic, ContentClass::binary,
                 all_bodies, true, ok, "BINARYMIME", true},
        BodyCase{"binary_without_chunking",
                 BodyType::automatic,
                 ContentClass::binary,
                 {"8BITMIME", "BINARYMIME"},
                 true,
                 ce(error::binary_not_offered),
                 "",
                 false},
        BodyCase{"binary_with_chunking_switched_off", BodyType::automatic, ContentClass::binary,
                 all_bodies, false, ce(error::binary_not_offered), "", false},
        BodyCase{"binary_without_binarymime",
                 BodyType::automatic,
                 ContentClass::binary,
                 {"8BITMIME", "CHUNKING"},
                 true,
                 ce(error::binary_not_offered),
                 "",
                 true},
        BodyCase{"unknown_is_8bit_where_offered",
                 BodyType::automatic,
                 std::nullopt,
                 {"8BITMIME"},
                 true,
                 ok,
                 "8BITMIME",
                 false},
        BodyCase{"unknown_is_7bit_otherwise",
                 BodyType::automatic,
                 std::nullopt,
                 {},
                 true,
                 ok,
                 "",
                 false},
        BodyCase{"forced_7bit_on_8bit_content", BodyType::seven_bit, ContentClass::eight_bit,
                 all_bodies, true, ce(error::content_not_as_declared), "", true},
        BodyCase{"forced_8bitmime_on_7bit_content",
                 BodyType::eight_bit_mime,
                 ContentClass::seven_bit,
                 {"8BITMIME"},
                 true,
                 ok,
                 "8BITMIME",
                 false},
        BodyCase{"forced_8bitmime_not_offered",
                 BodyType::eight_bit_mime,
                 ContentClass::seven_bit,
                 {},
                 true,
                 ce(error::eight_bit_not_offered),
                 "",
                 false},
        BodyCase{"forced_8bitmime_on_binary", BodyType::eight_bit_mime, ContentClass::binary,
                 all_bodies, true, ce(error::content_not_as_declared), "", true},
        BodyCase{"forced_binarymime_on_text", BodyType::binary_mime, ContentClass::seven_bit,
                 all_bodies, true, ok, "BINARYMIME", true}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Smtputf8, SaidForAUtf8AddressWhenOffered) {
    Envelope e = envelope();
    e.to[1] = "j\xC3\xB6rg@example.net";
    EXPECT_EQ(plan(e, info(ContentClass::seven_bit), {"SMTPUTF8"}).plan.mail_params,
              (Strings{"SMTPUTF8"}));
    EXPECT_TRUE(
        plan(envelope(), info(ContentClass::seven_bit), {"SMTPUTF8"}).plan.mail_params.empty());
}

TEST(Smtputf8, SaidForUtf8HeadersWhenOfferedOnly) {
    MessageInfo i = info(ContentClass::eight_bit);
    i.eight_bit_headers = true;
    const Planned offered = plan(envelope(), i, {"SMTPUTF8", "8BITMIME"});
    ASSERT_FALSE(offered.ec) << offered.ec.message();
    EXPECT_EQ(offered.plan.mail_params, (Strings{"BODY=8BITMIME", "SMTPUTF8"}));
    // Without the offer the message still goes, as 8-bit content.
    const Planned not_offered = plan(envelope(), i, {"8BITMIME"});
    ASSERT_FALSE(not_offered.ec) << not_offered.ec.message();
    EXPECT_EQ(not_offered.plan.mail_params, (Strings{"BODY=8BITMIME"}));
}

TEST(Requiretls, NeedsTlsAndTheOffer) {
    Envelope e = envelope();
    e.require_tls = true;
    EXPECT_EQ(plan(e, info(ContentClass::seven_bit), {"REQUIRETLS"}, false).ec,
              error::requiretls_not_possible);
    EXPECT_EQ(plan(e, info(ContentClass::seven_bit), {"PIPELINING"}, true).ec,
              error::requiretls_not_possible);
    const auto p = plan(e, info(ContentClass::seven_bit), {"REQUIRETLS"}, true);
    ASSERT_FALSE(p.ec);
    EXPECT_EQ(p.plan.mail_params, (Strings{"REQUIRETLS"}));
}

TEST(MtPriority, RangeCheckedSentWhenOfferedElseDropped) {
    Envelope e = envelope();
    e.mt_priority = -9;
    EXPECT_EQ(plan(e, info(ContentClass::seven_bit), {"MT-PRIORITY"}).plan.mail_params,
              (Strings{"MT-PRIORITY=-9"}));
    e.mt_priority = 4;
    const auto dropped = plan(e, info(ContentClass::seven_bit), {});
    EXPECT_FALSE(dropped.ec);
    EXPECT_EQ(dropped.plan.dropped, (Strings{"MT-PRIORITY"}));
    EXPECT_TRUE(dropped.plan.mail_params.empty());
    e.mt_priority = 10;
    EXPECT_EQ(plan(e, info(ContentClass::seven_bit), {"MT-PRIORITY"}).ec, error::invalid_parameter);
    e.mt_priority = -10;
    EXPECT_EQ(plan(e, info(ContentClass::seven_bit), {}).ec, error::invalid_parameter);
}

TEST(DeliverBy, ReturnDeadlineBelowTheServersMinimumIsRefused) {
    Envelope e = envelope();
    e.deliver_by = DeliverBy{std::chrono::seconds(60), true, false};
    EXPECT_EQ(plan(e, info(ContentClass::seven_bit), {"DELIVERBY 3600"}).ec,
              error::invalid_parameter);
    e.deliver_by = DeliverBy{std::chrono::seconds(3600), true, false};
    EXPECT_FALSE(plan(e, info(ContentClass::seven_bit), {"DELIVERBY 3600"}).ec);
    // Notify mode has no minimum: the server only reports lateness.
    e.deliver_by = DeliverBy{std::chrono::seconds(60), false, false};
    EXPECT_FALSE(plan(e, info(ContentClass::seven_bit), {"DELIVERBY 3600"}).ec);
}

TEST(DeliverBy, FormatsModesAndChecksTheTime) {
    Envelope e = envelope();
    e.deliver_by = DeliverBy{std::chrono::seconds(3600), true, false};
    EXPECT_EQ(plan(e, info(ContentClass::seven_bit), {"DELIVERBY 60"}).plan.mail_params,
              (Strings{"BY=3600;R"}));
    e.deliver_by = DeliverBy{std::chrono::seconds(-30), false, true};
    EXPECT_EQ(plan(e, info(ContentClass::seven_bit), {"DELIVERBY"}).plan.mail_params,
              (Strings{"BY=-30;NT"}));
    EXPECT_EQ(plan(e, info(ContentClass::seven_bit), {}).plan.dropped, (Strings{"DELIVERBY"}));
    e.deliver_by = DeliverBy{std::chrono::seconds(0), true, false};
    EXPECT_EQ(plan(e, info(ContentClass::seven_bit), {"DELIVERBY"}).ec, error::invalid_parameter);
    e.deliver_by = DeliverBy{std::chrono::seconds(1'000'000'000), false, false};
    EXPECT_EQ(plan(e, info(ContentClass::seven_bit), {"DELIVERBY"}).ec, error::invalid_parameter);
}

TEST(MailPlan, EverythingTogetherInOrder) {
    Envelope e = envelope();
    e.dsn.ret = DsnReturn::full;
    e.require_tls = true;
    e.mt_priority = 3;
    e.deliver_by = DeliverBy{std::chrono::seconds(120), true, false};
    const auto p =
        plan(e, info(ContentClass::eight_bit, 500),
             {"SIZE 1000", "8BITMIME", "DSN", "REQUIRETLS", "MT-PRIORITY", "DELIVERBY"}, true);
    ASSERT_FALSE(p.ec) << p.ec.message();
    EXPECT_EQ(p.plan.mail_params, (Strings{"SIZE=500", "BODY=8BITMIME", "RET=FULL", "REQUIRETLS",
                                           "MT-PRIORITY=3", "BY=120;R"}));
    EXPECT_TRUE(p.plan.dropped.empty());
}

}  // namespace
}  // namespace smtpkit::protocol
