#!/bin/sh
# Regenerates proj_reference.csv with PROJ's cs2cs and cct (Debian: apt-get install proj-bin).
# Usage: sh gen_proj_reference.sh > proj_reference.csv
#
# For every CRS and place, the WGS84 lon/lat of the place is projected into the
# CRS with cs2cs and rounded to the millimetre; these rounded x/y are the test
# input. The expected lon/lat come from the inverse cs2cs call (method
# "cs2cs", PROJ's default operation: for DHDN that is the BETA2007 NTv2 grid
# when PROJ has it) and, for DHDN, also from a cct pipeline that applies only
# the 7-parameter Helmert EPSG:1776 "DHDN to WGS 84 (2)" (method "helmert").
set -eu

places='Flensburg 9.4367 54.7833
List_Sylt 8.4333 55.0167
Kap_Arkona 13.4333 54.6794
Hamburg 9.9937 53.5511
Emden 7.2061 53.3594
Berlin 13.4050 52.5200
Hannover 9.7320 52.3759
Selfkant 5.8663 51.0436
Aachen 6.0839 50.7753
Koeln 6.9603 50.9375
Goerlitz 14.9872 51.1528
Dresden 13.7373 51.0504
Hof 11.9168 50.3135
Frankfurt_Main 8.6821 50.1109
Saarbruecken 6.9969 49.2402
Freiburg 7.8421 47.9990
Oberstdorf 10.2797 47.4099
Muenchen 11.5755 48.1374
Passau 13.4319 48.5667
Oderbruch 14.3 52.6'

# srid  axis order of cs2cs output (en: easting northing, ne: northing easting)
crss='25832 en
25833 en
3035 ne
3857 en
4258 latlon
4314 latlon
4647 en
5650 en
32632 en
32633 en
31466 ne
31467 ne
31468 ne
31469 ne'

helmert_dhdn() { # $1: empty for DHDN lon/lat input, else "lon_0 x_0" of the Gauss-Krueger zone
	if [ -n "$1" ]; then
		set -- $1
		first="+step +inv +proj=tmerc +lat_0=0 +lon_0=$1 +k=1 +x_0=$2 +y_0=0 +ellps=bessel"
	else
		first="+step +proj=unitconvert +xy_in=deg +xy_out=rad"
	fi
	echo "+proj=pipeline $first +step +proj=push +v_3 +step +proj=cart +ellps=bessel +step +proj=helmert +x=598.1 +y=73.7 +z=418.2 +rx=0.202 +ry=0.045 +rz=-2.455 +s=6.7 +convention=position_vector +step +inv +proj=cart +ellps=WGS84 +step +proj=pop +v_3 +step +proj=unitconvert +xy_in=rad +xy_out=deg"
}

echo "# Reference coordinates computed with PROJ $(cs2cs 2>&1 | head -n1 | sed 's/^Rel\. //') (Debian proj-bin, proj-data with BETA2007.gsb)."
echo "# Produced by geo/crs/testdata/gen_proj_reference.sh:"
echo "#   forward: echo 'LAT LON' | cs2cs -f %.8f EPSG:4326 EPSG:SRID, rounded to 0.001 m"
echo "#   method cs2cs:   echo 'X Y' | cs2cs -f %.9f EPSG:SRID EPSG:4326 (PROJ's default operation; axis order as the EPSG CRS wants it)"
echo "#   method helmert: cct -d 9 with the pipeline inverse tmerc (bessel) + helmert 598.1,73.7,418.2,0.202,0.045,-2.455,6.7 position_vector (EPSG:1776)"
echo "# x is easting (or lon), y is northing (or lat); lon/lat are WGS84 degrees."
echo "name,srid,x,y,method,lon,lat"
echo "$crss" | while read -r srid order; do
	echo "$places" | while read -r name lon lat; do
		out=$(echo "$lat $lon" | cs2cs -f %.8f EPSG:4326 EPSG:$srid)
		a=$(echo "$out" | awk '{print $1}'); b=$(echo "$out" | awk '{print $2}')
		case $order in
		en) x=$(printf %.3f "$a"); y=$(printf %.3f "$b") ;;
		ne) x=$(printf %.3f "$b"); y=$(printf %.3f "$a") ;;
		latlon) x=$(printf %.9f "$b"); y=$(printf %.9f "$a") ;;
		esac
		case $order in
		en|latlon) in="$x $y"; [ "$order" = latlon ] && in="$y $x" ;;
		ne) in="$y $x" ;;
		esac
		back=$(echo "$in" | cs2cs -f %.9f EPSG:$srid EPSG:4326)
		rlat=$(echo "$back" | awk '{print $1}'); rlon=$(echo "$back" | awk '{print $2}')
		echo "$name,$srid,$x,$y,cs2cs,$rlon,$rlat"
		case $srid in
		3146[6-9] | 4314)
			if [ "$srid" = 4314 ]; then
				zoneargs=""
			else
				zone=$((srid - 31464))
				zoneargs="$((zone * 3)) $((zone * 1000000 + 500000))"
			fi
			h=$(echo "$x $y 0 0" | cct -d 9 $(helmert_dhdn "$zoneargs"))
			echo "$name,$srid,$x,$y,helmert,$(echo "$h" | awk '{print $1}'),$(echo "$h" | awk '{print $2}')"
			;;
		esac
	done
done
