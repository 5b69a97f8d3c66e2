"""Files for routing: VRPLIB benchmark instances, parcel and vehicle CSV files."""
