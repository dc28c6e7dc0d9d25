#!/usr/bin/Rscript
# bench/peers/stl.R IN.csv PERIOD OUT.csv: R's stl(s.window = "periodic",
# every other argument R's default) of the column "value" of IN.csv, the
# trend, seasonal and remainder written to OUT.csv (%.15g): the same work
# as ad-stl --period PERIOD, reading and writing included.
a <- commandArgs(TRUE)
x <- ts(read.csv(a[1])$value, frequency = as.integer(a[2]))
f <- stl(x, s.window = "periodic")$time.series
write.csv(data.frame(trend = sprintf("%.15g", f[, "trend"]), seasonal = sprintf("%.15g", f[, "seasonal"]),
                     remainder = sprintf("%.15g", f[, "remainder"])), a[3], row.names = FALSE, quote = FALSE)
