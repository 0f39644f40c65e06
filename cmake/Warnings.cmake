# Warnings and sanitizers applied to every smtpkit target.
function(smtpkit_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
        -Wnon-virtual-dtor -Wconversion -Wno-sign-conversion)
    if(SMTPKIT_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
endfunction()

if(SMTPKIT_SANITIZE)
    # -g1: line tables for the reports' stack traces, without the full debug
    # information that makes a sanitizer build slower to compile.
    add_compile_options(-fsanitize=${SMTPKIT_SANITIZE} -fno-omit-frame-pointer -g1)
    add_link_options(-fsanitize=${SMTPKIT_SANITIZE})
    if(SMTPKIT_SANITIZE MATCHES "thread" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        add_compile_options(-Wno-tsan)
    endif()
endif()
