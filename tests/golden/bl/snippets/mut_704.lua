goto l loca:: print(: print(x)
