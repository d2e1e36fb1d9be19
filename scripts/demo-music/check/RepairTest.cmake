# A second run over a complete set writes nothing; a damaged file is caught by
# the checker and rewritten by the next run, and the others are kept.
# Arguments: -DGENERATOR=... -DCHECKER=... -DDIR=<a generated set>

function(run expect_success)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
  message("$ ${ARGN}\n${output}")
  if(expect_success AND NOT status EQUAL 0)
    message(FATAL_ERROR "failed with ${status}")
  elseif(NOT expect_success AND status EQUAL 0)
    message(FATAL_ERROR "succeeded, expected a failure")
  endif()
  set(output "${output}" PARENT_SCOPE)
endfunction()

run(TRUE ${GENERATOR} --out ${DIR})
if(NOT output MATCHES "0 written, 14 up to date")
  message(FATAL_ERROR "a second run over a complete set must write nothing")
endif()

file(WRITE ${DIR}/return-voices.flac "not audio")
run(FALSE ${CHECKER} ${DIR})
if(NOT output MATCHES "FAIL +return-voices.flac" OR NOT output MATCHES "13 passed, 1 failed")
  message(FATAL_ERROR "the checker must name the damaged file and only that one")
endif()

run(TRUE ${GENERATOR} --out ${DIR})
if(NOT output MATCHES "wrote return-voices.flac" OR NOT output MATCHES "1 written, 13 up to date")
  message(FATAL_ERROR "the damaged file must be rewritten and the others kept")
endif()
run(TRUE ${CHECKER} ${DIR})
