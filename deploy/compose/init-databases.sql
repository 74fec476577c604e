CREATE DATABASE halo_gateway;
CREATE DATABASE halo_dukcapil;
CREATE DATABASE halo_perizinan;
CREATE DATABASE halo_pengaduan;
CREATE DATABASE halo_damkar;
CREATE DATABASE halo_pajak;
CREATE DATABASE halo_kepegawaian;
CREATE DATABASE halo_umum;
