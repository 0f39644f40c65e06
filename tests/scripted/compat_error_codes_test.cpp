// The mapping from smtpkit's errors to GetLastError codes: every
// smtpkit::error has an ST_ERROR_* of its own kind (none falls through to
// the catch-all for system errors) and a row in the porting guide's table;
// Asio's and the system's errors map by meaning.
#include <asio/error.hpp>
#include <fstream>
#include <sstream>

#include "compat/error_codes.hpp"
#include "scripted/compat_fixture.hpp"

namespace smtpkit::test {
namespace {

std::string porting_guide() {
    std::ifstream in(SMTPKIT_TEST_DATA_DIR "/../docs/porting-from-sockettools.md");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(CompatErrorCodes, EverySmtpkitErrorIsMappedAndInTheGuide) {
    const std::string guide = porting_guide();
    ASSERT_FALSE(guide.empty());
    int count = 0;
    for (int value = 1; std::string(to_string(static_cast<error>(value))) != "unknown"; ++value) {
        const auto e = static_cast<error>(value);
        const DWORD code = compat::st_error_for(make_error_code(e));
        EXPECT_NE(code, 0u) << to_string(e);
        EXPECT_NE(code, ST_ERROR_NETWORK_ERROR) << to_string(e) << " is not mapped";
        EXPECT_NE(std::string(compat::st_error_description(code)), "") << to_string(e);
        EXPECT_NE(guide.find(std::string("`") + to_string(e) + "`"), std::string::npos)
            << to_string(e) << " is missing from the porting guide's table";
        ++count;
    }
    EXPECT_GT(count, 80);
}

TEST(CompatErrorCodes, SystemErrorsByMeaning) {
    using compat::st_error_for;
    EXPECT_EQ(st_error_for({}), 0u);
    EXPECT_EQ(st_error_for(asio::error::host_not_found), ST_ERROR_HOST_NAME_NOT_FOUND);
    EXPECT_EQ(st_error_for(asio::error::connection_refused), ST_ERROR_CONNECTION_REFUSED);
    EXPECT_EQ(st_error_for(asio::error::network_unreachable), ST_ERROR_NETWORK_UNREACHABLE);
    EXPECT_EQ(st_error_for(asio::error::connection_reset), ST_ERROR_CONNECTION_RESET);
    EXPECT_EQ(st_error_for(asio::error::eof), ST_ERROR_CONNECTION_CLOSED);
    EXPECT_EQ(st_error_for(std::make_error_code(std::errc::no_such_file_or_directory)),
              ST_ERROR_FILE_READ_FAILED);
    EXPECT_EQ(st_error_for(std::make_error_code(std::errc::address_family_not_supported)),
              ST_ERROR_NETWORK_ERROR);
    EXPECT_EQ(st_error_for(make_error_code(error::no_valid_recipients)), 0x80043008u);
}

}  // namespace
}  // namespace smtpkit::test
