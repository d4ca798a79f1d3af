-- line comment
--[[ long
comment ]] local a = 1 --[==[ another ]==]
--[ not long
return a
