#include "message/media_types.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace smtpkit::message {
namespace {

TEST(MediaTypes, KnowsCommonAttachments) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"report.pdf", "application/pdf"},
        {"photo.png", "image/png"},
        {"photo.jpg", "image/jpeg"},
        {"photo.jpeg", "image/jpeg"},
        {"anim.gif", "image/gif"},
        {"pic.webp", "image/webp"},
        {"logo.svg", "image/svg+xml"},
        {"notes.txt", "text/plain"},
        {"page.html", "text/html"},
        {"page.htm", "text/html"},
        {"data.csv", "text/csv"},
        {"data.json", "application/json"},
        {"feed.xml", "application/xml"},
        {"all.zip", "application/zip"},
        {"archive.tar.gz", "application/gzip"},
        {"archive.tar", "application/x-tar"},
        {"letter.doc", "application/msword"},
        {"letter.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        {"sheet.xls", "application/vnd.ms-excel"},
        {"sheet.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        {"deck.ppt", "application/vnd.ms-powerpoint"},
        {"deck.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
        {"doc.odt", "application/vnd.oasis.opendocument.text"},
        {"sheet.ods", "application/vnd.oasis.opendocument.spreadsheet"},
        {"invite.ics", "text/calendar"},
        {"forwarded.eml", "message/rfc822"},
        {"song.mp3", "audio/mpeg"},
        {"clip.mp4", "video/mp4"},
        {"sound.wav", "audio/wav"},
    };
    for (const auto& [name, type] : cases) {
        EXPECT_EQ(media_type_for(name), type) << name;
    }
}

TEST(MediaTypes, IgnoresCaseAndDirectories) {
    EXPECT_EQ(media_type_for("REPORT.PDF"), "application/pdf");
    EXPECT_EQ(media_type_for("Photo.JpEg"), "image/jpeg");
    EXPECT_EQ(media_type_for("/home/me/mail.d/note.eml"), "message/rfc822");
    EXPECT_EQ(media_type_for("C:\\Users\\me\\x.Docx"),
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    EXPECT_EQ(media_type_for("dir.pdf/README"), default_media_type);
}

TEST(MediaTypes, FallsBackToOctetStream) {
    for (const char* name : {"", "README", ".pdf", "file.", "file.unknown", "file.exe",
                             "file.abcdefgh", "a.p", "x.pdff"}) {
        EXPECT_EQ(media_type_for(name), "application/octet-stream") << name;
    }
}

}  // namespace
}  // namespace smtpkit::message
