# Turns a template into C: cmake -DINPUT=<file> -DOUTPUT=<file.c> -DSYMBOL=<name>
# -P embed.cmake writes `const char <name>[]` holding the file's bytes and a
# final NUL, so the installed tool carries its templates.
file(READ ${INPUT} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n\t" bytes "${bytes}")
get_filename_component(name ${INPUT} NAME)
file(WRITE ${OUTPUT}
	"/* Generated from ${name} by gen/embed.cmake: do not edit. */\n"
	"const char ${SYMBOL}[] = {\n\t${bytes}0x00\n};\n")
