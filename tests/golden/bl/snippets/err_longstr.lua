x = [==[ abc ]=]
