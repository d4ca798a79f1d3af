#!x
LJ