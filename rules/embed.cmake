# embed.cmake - writes OUT, a C file holding the bundled rules of DIR as
# NUL-terminated byte arrays (cmake -DOUT=... -DDIR=... -P embed.cmake).
set(c "/* generated from rules/ by rules/embed.cmake; do not edit */\n")
foreach(pair "lifebelt.yar;lb_mw_builtin_yara" "lifebelt.ndb;lb_mw_builtin_ndb")
	list(GET pair 0 file)
	list(GET pair 1 sym)
	file(READ ${DIR}/${file} hex HEX)
	string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
	string(APPEND c "extern const char ${sym}[];\nconst char ${sym}[] = { ${bytes} 0x00 };\n")
endforeach()
file(WRITE ${OUT}.tmp "${c}")
file(RENAME ${OUT}.tmp ${OUT})
