# One place for compiler flags that every target of the project gets.
add_compile_options(-Wall -Wextra)
if(DDTR_WERROR)
  add_compile_options(-Werror)
endif()
if(DDTR_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
