do ::a:: ::a:: end
