-- sen2.refresh_statistics() (stores the statistics facts of every return in
-- sen2.stat_case_cache) while other clients write returns and read the
-- statistics, live and cached.
SELECT sen2.refresh_statistics();
