#include "message/date_parse.hpp"

#include <array>
#include <cctype>
#include <string>

#include "message/ascii.hpp"

namespace smtpkit::message {
namespace {

// A cursor over the text that skips white space, comments excepted (a
// Date field with a comment is rare enough to refuse).
class Scanner {
  public:
    explicit Scanner(std::string_view text) : text_(text) {}

    void skip_space() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) {
            ++pos_;
        }
    }
    bool at_end() {
        skip_space();
        return pos_ == text_.size();
    }
    bool accept(char c) {
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    // Up to `max` digits; nullopt when none.
    std::optional<int> number(std::size_t max, std::size_t* digits = nullptr) {
        skip_space();
        int value = 0;
        std::size_t n = 0;
        while (pos_ < text_.size() && n < max &&
               std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
            value = value * 10 + (text_[pos_++] - '0');
            ++n;
        }
        if (digits != nullptr) {
            *digits = n;
        }
        return n == 0 ? std::nullopt : std::optional<int>(value);
    }
    std::string word() {
        skip_space();
        const std::size_t start = pos_;
        while (pos_ < text_.size() && std::isalpha(static_cast<unsigned char>(text_[pos_]))) {
            ++pos_;
        }
        return ascii_lower(text_.substr(start, pos_ - start));
    }
    char peek() {
        skip_space();
        return pos_ < text_.size() ? text_[pos_] : '\0';
    }

  private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

std::optional<unsigned> month_number(const std::string& name) {
    static constexpr std::array<const char*, 12> months = {
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
    for (unsigned i = 0; i < months.size(); ++i) {
        if (name == months[i]) {
            return i + 1;
        }
    }
    return std::nullopt;
}

// RFC 5322 4.3: two-digit years below 50 are 20yy, three-digit ones 1900+.
int full_year(int year, std::size_t digits) {
    if (digits == 2) {
        return year < 50 ? 2000 + year : 1900 + year;
    }
    return digits == 3 ? 1900 + year : year;
}

// The zone's offset from UTC in minutes.
std::optional<int> zone_minutes(Scanner& s) {
    const char sign = s.peek();
    if (sign == '+' || sign == '-') {
        s.accept(sign);
        std::size_t digits = 0;
        const auto hhmm = s.number(4, &digits);
        if (!hhmm || digits != 4 || *hhmm % 100 >= 60) {
            return std::nullopt;
        }
        const int minutes = *hhmm / 100 * 60 + *hhmm % 100;
        return sign == '-' ? -minutes : minutes;
    }
    const std::string name = s.word();
    if (name == "ut" || name == "gmt" || name == "z") {
        return 0;
    }
    static constexpr std::array<std::pair<const char*, int>, 8> american = {{{"edt", -4},
                                                                             {"est", -5},
                                                                             {"cdt", -5},
                                                                             {"cst", -6},
                                                                             {"mdt", -6},
                                                                             {"mst", -7},
                                                                             {"pdt", -7},
                                                                             {"pst", -8}}};
    for (const auto& [zone, hours] : american) {
        if (name == zone) {
            return hours * 60;
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_rfc5322_date(std::string_view text) {
    Scanner s(text);
    if (std::isalpha(static_cast<unsigned char>(s.peek())) != 0) {
        s.word();  // the day of the week
        if (!s.accept(',')) {
            return std::nullopt;
        }
    }
    const auto day = s.number(2);
    const auto month = month_number(s.word());
    std::size_t year_digits = 0;
    const auto year = s.number(4, &year_digits);
    const auto hour = s.number(2);
    const bool colon = s.accept(':');
    const auto minute = s.number(2);
    std::optional<int> second = 0;
    if (s.accept(':')) {
        second = s.number(2);
    }
    const auto zone = zone_minutes(s);
    if (!day || !month || !year || year_digits < 2 || !hour || !colon || !minute || !second ||
        !zone || !s.at_end() || *hour > 23 || *minute > 59 || *second > 60) {
        return std::nullopt;
    }
    using namespace std::chrono;
    const year_month_day date{std::chrono::year(full_year(*year, year_digits)),
                              std::chrono::month(*month),
                              std::chrono::day(static_cast<unsigned>(*day))};
    if (!date.ok()) {
        return std::nullopt;
    }
    return sys_days(date) + hours(*hour) + minutes(*minute) + seconds(*second) - minutes(*zone);
}

}  // namespace smtpkit::message
