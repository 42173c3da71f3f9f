# Turns the file IN into a C source OUT defining
#   const unsigned char catalogue_data[]; const unsigned long catalogue_size;
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
math(EXPR size "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUT} "/* Generated from ${IN}: do not edit. */\n"
  "const unsigned char catalogue_data[] = {${bytes} 0x00};\n"
  "const unsigned long catalogue_size = ${size};\n")
