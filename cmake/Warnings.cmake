# Warnings and sanitizers applied to every smtpkit target.
function(smtpkit_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
        -Wnon-virtual-dtor -Wconversion -Wno-sign-conversion)
    if(SMTPKIT_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
endfunction()

if(SMTPKIT_SANITIZE)
    add_compile_options(-fsanitize=${SMTPKIT_SANITIZE} -fno-omit-frame-pointer -g)
    add_link_options(-fsanitize=${SMTPKIT_SANITIZE})
    if(SMTPKIT_SANITIZE MATCHES "thread" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        add_compile_options(-Wno-tsan)
    endif()
endif()
