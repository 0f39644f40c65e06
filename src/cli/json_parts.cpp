#include "cli/json_parts.hpp"

#include "cli/json_output.hpp"

namespace smtpkit::cli {

Json reply_json(const Reply& reply) {
    if (reply.empty()) {
        return nullptr;
    }
    return {{"code", reply.code},
            {"enhanced", reply.enhanced ? Json(reply.enhanced->to_string()) : Json(nullptr)},
            {"text", reply.text()}};
}

Json tls_json(const SecurityInfo& info) {
    return {{"active", info.active},
            {"implicit", info.implicit},
            {"protocol", info.protocol},
            {"cipher", info.cipher},
            {"cipher_bits", info.cipher_bits},
            {"verified", info.verified},
            {"verified_host", info.verified_host},
            {"verify_result", info.verify_result},
            {"peer_subject", info.peer_subject},
            {"peer_issuer", info.peer_issuer},
            {"not_before", info.not_before},
            {"not_after", info.not_after},
            {"sha256_fingerprint", info.sha256_fingerprint}};
}

Json capabilities_json(const Capabilities& capabilities) {
    Json j = Json::object();
    for (const protocol::Extension& extension : capabilities.all()) {
        j[extension.keyword] = extension.params;
    }
    return j;
}

Json error_json(std::error_code ec, const std::string& about, const std::string& detail,
                const Reply& reply, const char* stage, const std::string& fix) {
    Json j = {{"code", error_name(ec)},
              {"value", ec.value()},
              {"category", ec.category().name()},
              {"message", ec.message()}};
    if (stage != nullptr) {
        j["stage"] = stage;
    }
    if (!detail.empty()) {
        j["detail"] = detail;
    }
    if (!about.empty()) {
        j["about"] = about;
    }
    if (!fix.empty()) {
        j["fix"] = fix;
    }
    if (!reply.empty() && !reply.positive()) {
        j["reply"] = reply_json(reply);
    }
    return j;
}

std::string dump(const Json& doc) {
    return doc.dump(2, ' ', false, Json::error_handler_t::replace);
}

}  // namespace smtpkit::cli
