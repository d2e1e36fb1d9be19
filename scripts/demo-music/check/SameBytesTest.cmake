# Generating files again (into another directory) gives the same bytes.
# Arguments: -DGENERATOR=... -DREFERENCE=<a generated set> -DDIR=<scratch> -DFILES=a,b,c

file(REMOVE_RECURSE ${DIR})
execute_process(COMMAND ${GENERATOR} --out ${DIR} --force --only ${FILES} RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "the generator failed with ${status}")
endif()
string(REPLACE "," ";" files "${FILES}")
foreach(file IN LISTS files)
  file(SHA256 ${REFERENCE}/${file} expected)
  file(SHA256 ${DIR}/${file} actual)
  if(NOT expected STREQUAL actual)
    message(FATAL_ERROR "${file} differs between two runs")
  endif()
  message("${file}: same bytes (sha256 ${actual})")
endforeach()
