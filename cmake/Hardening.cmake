# Hardened builds (what Debian's hardening flags give a package): fortified
# libc calls, stack protectors, position-independent executables and full
# RELRO. On for optimised builds; off under sanitizers (which replace the
# runtime checks) and in Debug, where _FORTIFY_SOURCE cannot work.
include(CheckPIESupported)
check_pie_supported(OUTPUT_VARIABLE smtpkit_pie_output LANGUAGES CXX)

option(SMTPKIT_HARDENING "Fortify, stack protector, PIE and full RELRO" ON)
if(SMTPKIT_HARDENING AND NOT SMTPKIT_SANITIZE)
    add_compile_options(-fstack-protector-strong
        $<$<NOT:$<CONFIG:Debug>>:-U_FORTIFY_SOURCE>
        $<$<NOT:$<CONFIG:Debug>>:-D_FORTIFY_SOURCE=3>)
    add_link_options(-Wl,-z,relro -Wl,-z,now)
endif()
