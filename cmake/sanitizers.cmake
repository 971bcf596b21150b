# RSEQCHECK_SANITIZE=address,undefined or thread. Applies to every target of the
# build (our libraries, tests and tools), with _GLIBCXX_ASSERTIONS.
if(RSEQCHECK_SANITIZE)
  if(RSEQCHECK_SANITIZE MATCHES "thread" AND RSEQCHECK_SANITIZE MATCHES "address")
    message(FATAL_ERROR "RSEQCHECK_SANITIZE: thread cannot be combined with address")
  endif()
  add_compile_options(-fsanitize=${RSEQCHECK_SANITIZE} -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_compile_definitions(_GLIBCXX_ASSERTIONS RSEQCHECK_SANITIZED=1)
  add_link_options(-fsanitize=${RSEQCHECK_SANITIZE})
endif()
