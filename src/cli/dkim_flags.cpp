// --dkim-*: a DkimSigner made from the flags, applied to the rendered message.
#include "cli/dkim_flags.hpp"

#include "smtpkit/dkim.hpp"

namespace smtpkit::cli {
namespace {

DkimCanonicalization canonicalization_of(const std::string& name) {
    return name == "simple" ? DkimCanonicalization::simple : DkimCanonicalization::relaxed;
}

}  // namespace

void add_dkim_flags(CLI::App& cmd, DkimFlags& f) {
    CLI::Option_group* group = cmd.add_option_group("DKIM signing");
    CLI::Option* key = group
                           ->add_option("--dkim-key", f.key_file,
                                        "Sign with this PEM private key (RSA or Ed25519)")
                           ->type_name("FILE")
                           ->check(CLI::ExistingFile);
    CLI::Option* selector =
        group->add_option("--dkim-selector", f.selector, "DKIM selector (s=)")->type_name("S");
    CLI::Option* domain =
        group->add_option("--dkim-domain", f.domain, "DKIM signing domain (d=)")->type_name("D");
    group->add_option("--dkim-identity", f.identity, "DKIM identity (i=), in the domain")
        ->type_name("AUID")
        ->needs(key);
    group
        ->add_option("--dkim-canonicalization", f.canonicalization,
                     "Header/body canonicalization (default relaxed/relaxed)")
        ->check(
            CLI::IsMember({"relaxed/relaxed", "simple/simple", "relaxed/simple", "simple/relaxed"}))
        ->needs(key);
    key->needs(selector)->needs(domain);
    selector->needs(key);
    domain->needs(key);
}

bool apply_dkim(const DkimFlags& f, MessageSource& message, SendOutcome& out) {
    if (f.key_file.empty()) {
        return true;
    }
    out.stage = Stage::check_input;
    const DkimKey key = DkimKey::from_pem_file(f.key_file, out.ec);
    if (out.ec) {
        out.subject = "DKIM key \"" + f.key_file + "\"";
        return false;
    }
    DkimSigner signer(key, f.domain, f.selector);
    const std::size_t slash = f.canonicalization.find('/');
    signer.canonicalization(canonicalization_of(f.canonicalization.substr(0, slash)),
                            canonicalization_of(f.canonicalization.substr(slash + 1)));
    if (!f.identity.empty()) {
        signer.identity(f.identity);
    }
    MessageSource signed_message = signer.sign(message, out.ec);
    if (out.ec) {
        out.subject = "DKIM signing";
        return false;
    }
    message = signed_message;
    return true;
}

}  // namespace smtpkit::cli
